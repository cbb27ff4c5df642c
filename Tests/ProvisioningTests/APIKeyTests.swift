import EventStore
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("API keys: issued to active tenants, shown once, stored hashed, revoked")
struct APIKeyTests {
    static func createTenant(_ runtime: TenantryRuntime) async throws -> (TenantState, APIKey) {
        let outcome = try await runtime.tenants.create(
            SignupRequest(email: "owner@keys.example", organization: "Keys \(UUID().uuidString.prefix(6))"), actor: "test"
        )
        return (outcome.tenant, try #require(outcome.apiKey))
    }

    /// The tenant directory folded from the tenant's whole history, as a server would have it.
    static func directory(_ runtime: TenantryRuntime, _ tenantID: UUID) async throws -> TenantDirectory {
        var directory = TenantDirectory()
        for event in try await runtime.tenants.lifecycle.history(tenantID) { try directory.apply(event) }
        return directory
    }

    @Test("a new key: a tnt_ secret returned once, recorded with its label and prefix, only its SHA-256 stored")
    func issue() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, first) = try await Self.createTenant(runtime)
            let service = runtime.tenants.lifecycle
            let (state, key) = try await service.issueAPIKey(tenant.id, label: "  ci pipeline ", actor: "api-key:test")
            #expect(key.secret.hasPrefix("tnt_"))
            #expect(key.secret != first.secret)
            #expect(state.apiKeys.count == 2)
            let issued = try #require(state.apiKeys[key.id])
            #expect(issued.label == "ci pipeline")
            #expect(key.secret.hasPrefix(issued.prefix))
            #expect(state.apiKeyIssuedAt[key.id] != nil)

            let history = try await service.history(tenant.id)
            #expect(!history.contains { $0.dataJSON.contains(key.secret) })
            let last = try #require(history.last)
            #expect(last.type == "APIKeyIssued")
            #expect(last.metadata.actor == "api-key:test")

            let directory = try await Self.directory(runtime, tenant.id)
            #expect(directory.authenticate(apiKey: key.secret)?.keyID == key.id)
            #expect(directory.authenticate(apiKey: first.secret)?.keyID == first.id)
        }
    }

    @Test("an APIKeyIssued written before keys had labels still decodes, without a label")
    func oldEventWithoutLabel() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, _) = try await Self.createTenant(runtime)
            let keyID = UUID()
            try await runtime.operatorEventStore.append(
                [NewEvent(
                    type: "APIKeyIssued",
                    dataJSON: #"{"keyId":"\#(keyID.uuidString.lowercased())","prefix":"tnt_oldkey12","sha256":"\#(String(repeating: "ab", count: 32))"}"#,
                    metadataJSON: #"{"actor":"test"}"#
                )],
                to: StreamName("tenant-\(tenant.id.uuidString.lowercased())"), tenant: ControlPlane.tenantID
            )
            let state = try #require(try await runtime.tenants.lifecycle.load(tenant.id))
            let old = try #require(state.apiKeys[keyID])
            #expect(old.label == nil)
            #expect(old.prefix == "tnt_oldkey12")
        }
    }

    @Test("labels must be 1 to 100 printable characters; a refused label writes nothing", arguments: ["", "   ", String(repeating: "x", count: 101), "tab\there"])
    func invalidLabels(_ label: String) async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, _) = try await Self.createTenant(runtime)
            let service = runtime.tenants.lifecycle
            let before = try await service.history(tenant.id).count
            await #expect(throws: TenantLifecycleError.self) { _ = try await service.issueAPIKey(tenant.id, label: label, actor: "t") }
            #expect(try await service.history(tenant.id).count == before)
        }
    }

    @Test("only an active tenant gets new keys")
    func suspendedTenantGetsNoKey() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, _) = try await Self.createTenant(runtime)
            let service = runtime.tenants.lifecycle
            _ = try await service.suspend(tenant.id, reason: "unpaid", actor: "t")
            let error = await #expect(throws: TenantLifecycleError.self) { _ = try await service.issueAPIKey(tenant.id, label: nil, actor: "t") }
            #expect(error?.description.contains("suspended") == true)
        }
    }

    @Test("at most 20 live keys: the 21st is refused until one is revoked")
    func keyLimit() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, _) = try await Self.createTenant(runtime)
            let service = runtime.tenants.lifecycle
            var keys: [APIKey] = []
            for index in 1..<TenantService.maximumLiveAPIKeys {
                keys.append(try await service.issueAPIKey(tenant.id, label: "key \(index)", actor: "t").1)
            }
            #expect(try await service.load(tenant.id)?.apiKeys.count == TenantService.maximumLiveAPIKeys)
            let error = await #expect(throws: APIKeyError.self) { _ = try await service.issueAPIKey(tenant.id, label: nil, actor: "t") }
            #expect(error == .limitReached(slug: tenant.slug, limit: TenantService.maximumLiveAPIKeys))
            _ = try await service.revokeAPIKey(tenant.id, keyID: keys[0].id, actor: "t")
            let (state, _) = try await service.issueAPIKey(tenant.id, label: nil, actor: "t")
            #expect(state.apiKeys.count == TenantService.maximumLiveAPIKeys)
        }
    }

    @Test("revoking: the key stops authenticating; unknown, another tenant's or a revoked key is not found")
    func revoke() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, first) = try await Self.createTenant(runtime)
            let (other, otherKey) = try await Self.createTenant(runtime)
            let service = runtime.tenants.lifecycle
            let (_, second) = try await service.issueAPIKey(tenant.id, label: "second", scope: .manage, actor: "t")

            let revoked = try await service.revokeAPIKey(tenant.id, keyID: first.id, actor: "api-key:x", reason: "rotated")
            #expect(revoked.apiKeys[first.id] == nil)
            #expect(revoked.apiKeyIssuedAt[first.id] == nil)
            #expect(Set(revoked.apiKeys.keys) == [second.id])
            let last = try #require(try await service.history(tenant.id).last)
            #expect(last.type == "APIKeyRevoked")
            #expect(last.metadata.reason == "rotated")

            let directory = try await Self.directory(runtime, tenant.id)
            #expect(directory.authenticate(apiKey: first.secret) == nil)
            #expect(directory.authenticate(apiKey: second.secret)?.keyID == second.id)

            let before = try await service.history(tenant.id).count
            for keyID in [UUID(), otherKey.id, first.id] {
                let error = await #expect(throws: APIKeyError.self) { _ = try await service.revokeAPIKey(tenant.id, keyID: keyID, actor: "t") }
                #expect(error == .notFound(keyID: keyID))
            }
            #expect(try await service.history(tenant.id).count == before)
            #expect(try await service.load(other.id)?.apiKeys[otherKey.id] != nil)
        }
    }

    @Test("the last live key cannot be revoked: it would lock the tenant out")
    func lastKey() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, key) = try await Self.createTenant(runtime)
            let service = runtime.tenants.lifecycle
            let error = await #expect(throws: APIKeyError.self) { _ = try await service.revokeAPIKey(tenant.id, keyID: key.id, actor: "t") }
            #expect(error == .lastKey(slug: tenant.slug))
            #expect(try await service.load(tenant.id)?.apiKeys[key.id] != nil)
        }
    }
}
