import Extensions
import Foundation
import Testing

@Suite("The hook contract: refusals, failures and overruns fail the one call, naming the customization")
struct HookContractTests {
    private let signup = SignupCommand(email: "eve@elsewhere.example", organization: "Eve", plan: "trial")

    @Test("settings: each missing, unknown or malformed setting is named, all in one error; defaults fill the rest")
    func settingsAreChecked() throws {
        let error = #expect(throws: SettingError.self) {
            try CustomizationHost(ContractProbe.self, settings: ["limit": "many", "colour": "red"])
        }
        #expect(error?.customization == "contract-probe")
        #expect(error?.problems.count == 3)
        let line = error?.description ?? ""
        #expect(line.contains("unknown setting 'colour'"))
        #expect(line.contains("setting 'mode' is missing"))
        #expect(line.contains("setting 'limit' must be an integer, not 'many'"))

        let host = try CustomizationHost(ContractProbe.self, settings: ["mode": "accept"])
        #expect(host.settings.values == ["mode": "accept", "limit": "3", "token": "hush"])
        #expect(host.settings.displayed["token"] == "••••••")
        #expect(host.flagDefaults == [FlagDefault(flagKey: "new-billing", variant: "on")])
        #expect(host.validatedCommands == ["signup"])
        #expect(host.routes.map(\.path) == ["mode"])
    }

    @Test("a check only the customization can make fails the same way, naming it")
    func initializerRefusesSettings() {
        let error = #expect(throws: SettingError.self) { try CustomizationHost(ContractProbe.self, settings: ["mode": "dance"]) }
        #expect(error?.description == "customization contract-probe: setting 'mode' must be refuse, throw, overrun or accept")
    }

    @Test("a refusal is a refused error with the customization's reason")
    func refusal() async throws {
        let host = try CustomizationHost(ContractProbe.self, settings: ["mode": "refuse"])
        let error = await #expect(throws: CustomizationError.self) { try await host.validate(signup) }
        #expect(error == CustomizationError(customization: "contract-probe", hook: "signup validator", kind: .refused, detail: "not eve@elsewhere.example"))
        #expect(error?.description == "refused by customization contract-probe (signup validator): not eve@elsewhere.example")
    }

    @Test("a hook that throws fails the call as the customization's fault, with its error")
    func throwing() async throws {
        let host = try CustomizationHost(ContractProbe.self, settings: ["mode": "throw"])
        let error = await #expect(throws: CustomizationError.self) { try await host.validate(signup) }
        #expect(error?.kind == .failed)
        #expect(error?.description == "customization contract-probe failed in its signup validator: the probe broke")

        let route = try #require(host.routes.first)
        let routeError = await #expect(throws: CustomizationError.self) {
            try await host.respond(route, to: CustomizationRequest(method: "GET", path: "mode"))
        }
        #expect(routeError?.hook == "route GET /mode")
    }

    @Test("a hook past its budget fails the call at the budget, even one that ignores cancellation")
    func overrun() async throws {
        let release = ContractProbe.release
        defer { release.turnOn() }
        let host = try CustomizationHost(ContractProbe.self, settings: ["mode": "overrun"])
        let error = await #expect(throws: CustomizationError.self) { try await host.validate(signup) }
        #expect(error?.kind == .timedOut)
        #expect(error?.description == "customization contract-probe's signup validator ran past its 0.2 seconds budget")
        // The caller got its answer while the hook was still running: nothing waited for it.
        #expect(!release.isOn)
    }

    @Test("commands of other types are not given to a validator; an accepting one lets the call on")
    func accepting() async throws {
        let host = try CustomizationHost(ContractProbe.self, settings: ["mode": "refuse"])
        try await host.validate(PlanChangeCommand(tenantID: UUID(), currentPlan: "pro", newPlan: "enterprise", reason: nil, actor: "t"))
        let accepting = try CustomizationHost(ContractProbe.self, settings: ["mode": "accept"])
        try await accepting.validate(signup)
        let route = try #require(accepting.routes.first)
        let response = try await accepting.respond(route, to: CustomizationRequest(method: "GET", path: "mode"))
        #expect(response == .text("accept"))
    }

    @Test("ids: lowercase words with inner hyphens, 2 to 40 long")
    func ids() {
        // A `String`, not a literal: a literal picks the non-failable init.
        let valid: String = "audit-forwarder"
        #expect(CustomizationID(valid) != nil)
        for bad in ["A", "x", "-lead", "trail-", "has space", "Upper", String(repeating: "a", count: 41), "dot.ted"] {
            #expect(CustomizationID(bad) == nil, "\(bad)")
        }
    }
}
