import EventStore
import Foundation
import Provisioning
import RuntimeTestSupport
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

            _ = try await runtime.tenants.lifecycle.suspend(outcome.tenant.id, reason: "unpaid", actor: "test")
            #expect(await directory.waitUntil(timeout: .conditionDeadline) { $0.authenticate(apiKey: key.secret)?.tenant.status == .suspended })
        }
    }

    @Test("a writer's committed state is served before the feed delivers it; the feed's older events are not applied twice")
    func adoptsCommittedState() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "ops@adopt.example", organization: "Adopt \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let directory = TenantDirectory.live(store: runtime.operatorEventStore)
            try await directory.catchUp()
            let original = try #require(outcome.apiKey)
            let service = runtime.tenants.lifecycle
            let (issuedState, issued) = try await service.issueAPIKey(outcome.tenant.id, label: "second", scope: .manage, actor: "test")
            let revokedState = try await service.revokeAPIKey(outcome.tenant.id, keyID: original.id, actor: "test")
            #expect(revokedState.version == issuedState.version + 1)

            // Not caught up: the directory still has the original key only.
            #expect(directory.state.authenticate(apiKey: original.secret) != nil)
            #expect(directory.state.authenticate(apiKey: issued.secret) == nil)

            directory.amend { $0.adopt(revokedState) }
            #expect(directory.state.authenticate(apiKey: issued.secret)?.keyID == issued.id)
            #expect(directory.state.authenticate(apiKey: original.secret) == nil)
            // An older state is not adopted over a newer one.
            directory.amend { $0.adopt(issuedState) }
            #expect(directory.state.authenticate(apiKey: original.secret) == nil)

            // The feed's events up to the adopted version are skipped, later ones applied.
            try await directory.catchUp()
            #expect(directory.state.tenant(outcome.tenant.id)?.version == revokedState.version)
            #expect(directory.state.tenant(outcome.tenant.id)?.apiKeys.keys.sorted() == [issued.id])
            _ = try await service.suspend(outcome.tenant.id, reason: "unpaid", actor: "test")
            // A catch-up reads what is deliverable; another test's open transaction may hold the
            // feed back a moment (xmin is cluster-wide).
            try await waitUntil("the directory folded the suspension") {
                try await directory.catchUp()
                return directory.state.authenticate(apiKey: issued.secret)?.tenant.status == .suspended
            }
            #expect(directory.state.authenticate(apiKey: original.secret) == nil)
        }
    }
}
