@testable import TenantryServer
import Testing

@Suite("AuditActor: who a tenant's audit trail names")
struct AuditActorTests {
    @Test("its own keys and its web signup as recorded, services as system, everyone else as operator", arguments: [
        ("api-key:0b9c7c1e-8a53-4d8e-9a3f-2f1f0f5d1a11", "api-key:0b9c7c1e-8a53-4d8e-9a3f-2f1f0f5d1a11"),
        ("signup:web", "signup:web"),
        ("system:provisioning", "system"),
        ("system:trial-expiry", "system"),
        ("operator:ada", "operator"),
        ("admin:ops-token", "operator"),
        ("admin:TENANTRY_ADMIN_TOKEN", "operator"),
        ("signup:cli", "operator"),
        ("api-keys", "operator"),
    ])
    func shown(recorded: String, shown: String) {
        #expect(AuditActor.shown(recorded) == shown)
    }

    @Test("no recorded actor stays none")
    func none() {
        #expect(AuditActor.shown(nil) == nil)
    }
}
