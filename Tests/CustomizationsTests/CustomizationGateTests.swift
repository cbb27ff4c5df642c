import Customizations
import EventStore
import Extensions
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import Testing
import TestSupport

/// A customization that requires a purchase order in the reason of every plan change and
/// refuses API keys labelled "shared": the gate's other commands.
struct PurchaseOrderPolicy: Customization {
    static let id: CustomizationID = "purchase-orders"
    static let version = "0.1.0"
    static let summary = "Plan changes cite an approved purchase order"
    static let settings: [SettingSpecification] = []

    init(settings: CustomizationSettings) throws {}

    func register(_ hooks: inout CustomizationHooks) {
        hooks.validate(PlanChangeCommand.self) { change in
            guard let reason = change.reason, reason.contains(/PO-\d{4,}/) else {
                throw Refusal("plan changes need an approved purchase order id (PO-1234) in the reason")
            }
        }
        hooks.validate(APIKeyIssueCommand.self) { key in
            if key.label == "shared" { throw Refusal("shared keys are not allowed") }
        }
    }
}

@Suite("The customization gate: every tenant change checked before anything is written")
struct CustomizationGateTests {
    @Test("corporate-email: a foreign signup is refused and registers nothing; a corporate one is provisioned")
    func signupDomain() async throws {
        let host = try CustomizationHost(CorporateEmailDomain.self, settings: ["domain": "acme.example"])
        try await withTestRuntime(customization: host) { runtime, _ in
            let refused = await #expect(throws: CustomizationError.self) {
                try await runtime.tenants.create(SignupRequest(email: "eve@gmail.example", organization: "Eve Inc"), actor: "test")
            }
            #expect(refused?.kind == .refused)
            #expect(try await runtime.tenants.list(state: nil, plan: nil).isEmpty, "nothing registered")
            let events = try await runtime.operatorEventStore.readPage(after: .start, filter: .all, limit: 100).events
            #expect(events.isEmpty, "not one event written")

            let outcome = try await runtime.tenants.create(SignupRequest(email: "ann@acme.example", organization: "Acme"), actor: "test")
            #expect(outcome.tenant.status == .active)
        }
    }

    @Test("plan changes and keys: refused ones write nothing, accepted ones go through")
    func otherCommands() async throws {
        let host = try CustomizationHost(PurchaseOrderPolicy.self, settings: [:])
        try await withTestRuntime(customization: host) { runtime, _ in
            let tenant = try await runtime.tenants.create(SignupRequest(email: "ann@acme.example", organization: "Acme", plan: .pro), actor: "test").tenant
            let service = runtime.tenants.lifecycle
            let refused = await #expect(throws: CustomizationError.self) {
                try await service.changePlan(tenant.id, to: .free, actor: "operator", reason: "cheaper")
            }
            #expect(refused?.description == "refused by customization purchase-orders (plan-change validator): plan changes need an approved purchase order id (PO-1234) in the reason")
            let unchanged = try #require(try await service.load(tenant.id))
            #expect(unchanged.plan == .pro && unchanged.version == tenant.version, "nothing appended")

            let moved = try await service.changePlan(tenant.id, to: .free, actor: "operator", reason: "approved PO-20931")
            #expect(moved.plan == .free)

            await #expect(throws: CustomizationError.self) { try await service.issueAPIKey(tenant.id, label: "shared", actor: "ann") }
            #expect(try await service.load(tenant.id)?.apiKeys.count == 1)
            _ = try await service.issueAPIKey(tenant.id, label: "ci", actor: "ann")
            #expect(try await service.load(tenant.id)?.apiKeys.count == 2)
        }
    }
}
