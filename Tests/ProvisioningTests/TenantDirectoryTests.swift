import EventStore
import Foundation
import Provisioning
import Tenantry
import TestSupport
import Testing

@Suite("The live tenant directory")
struct TenantDirectoryTests {
    @Test("authenticates a tenant's API key, refuses others, and follows the tenant's state live")
    func authenticatesAndFollows() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let directory = TenantDirectory.live(store: runtime.operatorEventStore)
            let following = Task { try await directory.run() }
            defer { following.cancel() }

            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "ops@keys.example", organization: "Keys \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let key = try #require(outcome.apiKey)
            // The key is recorded one step before activation: wait for the tenant to be active too.
            #expect(await directory.waitUntil(timeout: .conditionDeadline) { $0.authenticate(apiKey: key.secret)?.tenant.status == .active })
            let found = try #require(directory.state.authenticate(apiKey: key.secret))
            #expect(found.tenant.id == outcome.tenant.id)
            #expect(found.keyID == key.id)
            #expect(found.tenant.status == .active)

            #expect(directory.state.authenticate(apiKey: key.secret + "x") == nil)
            #expect(directory.state.authenticate(apiKey: "") == nil)
            #expect(directory.state.tenant(slug: outcome.tenant.slug)?.id == outcome.tenant.id)

            _ = try await runtime.tenants.tenants.suspend(outcome.tenant.id, reason: "unpaid", actor: "test")
            #expect(await directory.waitUntil(timeout: .conditionDeadline) { $0.authenticate(apiKey: key.secret)?.tenant.status == .suspended })
        }
    }
}
