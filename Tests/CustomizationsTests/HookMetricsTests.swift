import Extensions
import Foundation
import Testing
import TenantryServer

/// A customization no other test uses, so its metric series are this test's alone.
struct MetricsProbe: Customization {
    static let id: CustomizationID = "metrics-probe"
    static let version = "0.1.0"
    static let summary = "Refuses every signup, fails every route"
    static let settings: [SettingSpecification] = []

    init(settings: CustomizationSettings) throws {}

    struct Broken: Error {}

    func register(_ hooks: inout CustomizationHooks) {
        hooks.validate(SignupCommand.self) { _ in throw Refusal("no") }
        hooks.route("GET", "fail") { _ in throw Broken() }
    }
}

@Suite("Hook calls are counted in the server's Prometheus registry")
struct HookMetricsTests {
    private func value(_ outcome: String, hook: String) -> Double {
        var buffer: [UInt8] = []
        MetricsRegistry.shared.emit(into: &buffer)
        let prefix = #"tenantry_customization_hook_calls_total{customization="metrics-probe",hook="\#(hook)",outcome="\#(outcome)"} "#
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Double($0.dropFirst(prefix.count)) } ?? 0
    }

    @Test("a refusal and a failure each add one to their outcome's series, labelled with the customization and hook kind")
    func counted() async throws {
        _ = MetricsRegistry.shared
        let host = try CustomizationHost(MetricsProbe.self, settings: [:])
        let refusedBefore = value("refused", hook: "signup")
        let failedBefore = value("failed", hook: "route")
        await #expect(throws: CustomizationError.self) {
            try await host.validate(SignupCommand(email: "a@b.example", organization: "A", plan: "trial"))
        }
        let route = try #require(host.routes.first)
        await #expect(throws: CustomizationError.self) {
            try await host.respond(route, to: CustomizationRequest(method: "GET", path: "fail"))
        }
        #expect(value("refused", hook: "signup") == refusedBefore + 1)
        #expect(value("failed", hook: "route") == failedBefore + 1)
    }
}
