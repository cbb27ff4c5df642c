import Extensions
import Foundation
import Testing
import TenantryServer
import WasmCustomizations
import WasmTestSupport

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
    private func value(_ outcome: String, hook: String, customization: String = "metrics-probe") -> Double {
        series(#"tenantry_customization_hook_calls_total{customization="\#(customization)",hook="\#(hook)",outcome="\#(outcome)"}"#)
    }

    private func series(_ name: String) -> Double {
        var buffer: [UInt8] = []
        MetricsRegistry.shared.emit(into: &buffer)
        let prefix = name + " "
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Double($0.dropFirst(prefix.count)) } ?? 0
    }

    @Test("a WebAssembly module's calls: refusals and traps by outcome, traps by reason, and the fuel it used, per customization")
    func moduleCounted() async throws {
        _ = MetricsRegistry.shared
        // Refuses a signup whose input is longer than 90 bytes, loops forever on a plan change.
        let manifest = #"{"abi":1,"id":"metrics-wasm","version":"1.0.0","summary":"s","hooks":{"validate":["signup","plan-change"]},"limits":{"fuel":20000}}"#
        let answers = [#"{"refuse":"too long"}"#]
        let wat = ModuleFixtures.wat(
            manifest: manifest,
            functions: """
                (func (export "tenantry_validate") (param $input i32) (param $length i32) (result i64)
                  (if (i32.eq (i32.load8_u (i32.add (local.get $input) (i32.const 10))) (i32.const 112)) (then (loop $forever (br $forever))))
                  (if (result i64) (i32.gt_u (local.get $length) (i32.const 90)) (then \(ModuleFixtures.packed(answers, 0))) (else (i64.const 0))))
                """,
            answers: answers)
        let host = try CustomizationHost(WasmCustomization.definition(try ModuleFixtures.compiled(wat)), settings: [:])
        let fuel = #"tenantry_customization_wasm_fuel_total{customization="metrics-wasm"}"#
        let outOfFuel = #"tenantry_customization_wasm_traps_total{customization="metrics-wasm",reason="out-of-fuel"}"#
        let (okBefore, refusedBefore, trappedBefore, fuelBefore, trapsBefore) =
            (value("ok", hook: "signup", customization: "metrics-wasm"), value("refused", hook: "signup", customization: "metrics-wasm"),
             value("trapped", hook: "plan-change", customization: "metrics-wasm"), series(fuel), series(outOfFuel))
        try await host.validate(SignupCommand(email: "a@b.example", organization: "A", plan: "trial"))
        await #expect(throws: CustomizationError.self) {
            try await host.validate(SignupCommand(email: "a-much-longer-address@example.example", organization: "An Organisation", plan: "trial"))
        }
        // {"actor":… sorts first; byte 10 is the "p" of {"actor":"pl", only for this actor.
        await #expect(throws: CustomizationError.self) {
            try await host.validate(PlanChangeCommand(tenantID: UUID(), currentPlan: "free", newPlan: "pro", reason: nil, actor: "pl"))
        }
        #expect(value("ok", hook: "signup", customization: "metrics-wasm") == okBefore + 1)
        #expect(value("refused", hook: "signup", customization: "metrics-wasm") == refusedBefore + 1)
        #expect(value("trapped", hook: "plan-change", customization: "metrics-wasm") == trappedBefore + 1)
        #expect(series(outOfFuel) == trapsBefore + 1)
        #expect(series(fuel) > fuelBefore)
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
