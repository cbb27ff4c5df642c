import Extensions
import Foundation
import Testing

@Suite("Data residency (a WebAssembly module): a tenant's region stays within the client's allowed list")
struct DataResidencyModuleTests {
    private func host(_ settings: [String: String] = ["regions": "eu, ch"]) throws -> CustomizationHost {
        try CustomizationHost(ExampleModules.definition("data-residency"), settings: settings)
    }

    private func change(set: [String: String] = [:], removed: [String] = []) -> AttributesChangeCommand {
        AttributesChangeCommand(tenantID: UUID(), set: set, removed: removed, actor: "admin:ops")
    }

    @Test("a region in the list passes; one outside it, or removing it, is refused naming the value and the list")
    func regions() async throws {
        let host = try host()
        #expect(host.id == "data-residency" && host.validatedCommands == ["attributes-change"])
        try await host.validate(change(set: ["region": "ch"]))
        try await host.validate(change(set: ["cost-center": "42"], removed: ["team"]))
        let outside = await #expect(throws: CustomizationError.self) { try await host.validate(change(set: ["plan-tier": "gold", "region": "us"])) }
        #expect(outside?.kind == .refused && outside?.detail == "region must be one of eu, ch (data residency), not 'us'", "\(String(describing: outside))")
        let removed = await #expect(throws: CustomizationError.self) { try await host.validate(change(removed: ["cost-center", "region"])) }
        #expect(removed?.kind == .refused && removed?.detail.contains("region cannot be removed") == true, "\(String(describing: removed))")
        // Other commands are not its to judge.
        try await host.validate(SignupCommand(email: "ann@acme.example", organization: "Acme", plan: "pro"))
    }

    @Test("the attribute it guards is a setting; its flag default is the home region")
    func settingsAndFlagDefault() async throws {
        let host = try host(["regions": "eu", "attribute": "residency", "home-region": "ch"])
        try await host.validate(change(set: ["region": "us"]))
        await #expect(throws: CustomizationError.self) { try await host.validate(change(set: ["residency": "us"])) }
        #expect(host.flagDefaults == [FlagDefault(flagKey: "storage-region", variant: "ch")])
        let missing = #expect(throws: SettingError.self) { try self.host([:]) }
        #expect(missing?.description.contains("setting 'regions' is missing") == true)
    }
}
