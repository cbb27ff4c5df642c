import AdminTokens
import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Admin tokens: random, shown once, stored hashed, revocable")
struct AdminTokenTests {
    @Test("a token is tadm_ and 43 base64url characters; two are never alike; only its prefix and SHA-256 are recorded")
    func issueRecordsOnlyTheDigest() async throws {
        try await withAdminTokens { stores in
            let first = try await stores.adminTokens.issue(label: "ci-deploy", actor: "operator:ann", reason: "release pipeline")
            let second = try await stores.adminTokens.issue(label: nil, actor: "operator:ann")
            for issued in [first, second] {
                #expect(issued.secret.wholeMatch(of: /tadm_[A-Za-z0-9_-]{43}/) != nil, "\(issued.secret)")
                #expect(issued.record.prefix == String(issued.secret.prefix(12)))
                #expect(issued.record.sha256 == AdminToken.hash(issued.secret))
                #expect(issued.record.sha256.count == 64)
            }
            #expect(first.secret != second.secret)
            #expect(first.record.actor == "admin:ci-deploy")
            #expect(second.record.actor == "admin:\(second.record.prefix)")

            // Nothing in the store holds a token, anywhere.
            let events = try await stores.operatorEventStore.readCategory(AdminTokenStreams.category, tenant: EventLog.controlPlaneTenantID)
            #expect(events.map(\.type) == ["AdminTokenIssued", "AdminTokenIssued"])
            for event in events {
                #expect(!event.dataJSON.contains(first.secret) && !event.dataJSON.contains(second.secret))
                #expect(!event.metadataJSON.contains(first.secret) && !event.metadataJSON.contains(second.secret))
            }
            #expect(events.first?.metadata.actor == "operator:ann")
            #expect(events.first?.metadata.reason == "release pipeline")
            #expect(events.first?.stream == "admintoken-\(first.record.id.uuidString.lowercased())")

            let listed = try await stores.adminTokens.list()
            #expect(Set(listed.map(\.id)) == [first.record.id, second.record.id])
            #expect(listed.allSatisfy { !$0.isRevoked })
        }
    }

    @Test("the live directory authenticates a token by its digest, refuses near misses, and drops a revoked token within moments")
    func directoryFollowsRevocation() async throws {
        try await withAdminTokens { stores in
            let directory = AdminTokenDirectory.live(store: stores.operatorEventStore)
            let following = Task { try await directory.run() }
            defer { following.cancel() }

            let issued = try await stores.adminTokens.issue(label: "ops", actor: "operator:ann")
            #expect(await directory.waitUntil(timeout: .conditionDeadline) { $0.authenticate(token: issued.secret) != nil })
            #expect(directory.state.authenticate(token: issued.secret)?.id == issued.record.id)
            #expect(directory.state.authenticate(token: issued.secret + "x") == nil)
            #expect(directory.state.authenticate(token: String(issued.secret.dropLast())) == nil)
            #expect(directory.state.authenticate(token: "") == nil)
            #expect(directory.state.authenticate(token: issued.record.sha256) == nil)

            let revoked = try await stores.adminTokens.revoke(issued.record.prefix, actor: "operator:bob", reason: "laptop lost")
            #expect(revoked.isRevoked)
            #expect(revoked.revokedBy == "operator:bob")
            #expect(await directory.waitUntil(timeout: .conditionDeadline) { $0.authenticate(token: issued.secret) == nil })
            #expect(directory.state.tokens[issued.record.id]?.isRevoked == true)
        }
    }

    @Test("revoke by id or prefix; a second revocation, an unknown token, a bad label or reason are refused and record nothing")
    func refusals() async throws {
        try await withAdminTokens { stores in
            let issued = try await stores.adminTokens.issue(label: "temp", actor: "operator:ann")
            _ = try await stores.adminTokens.revoke(issued.record.id.uuidString, actor: "operator:ann")
            await #expect(throws: AdminTokenError.alreadyRevoked(issued.record.prefix)) {
                try await stores.adminTokens.revoke(issued.record.prefix, actor: "operator:ann")
            }
            await #expect(throws: AdminTokenError.notFound("with prefix tadm_0000000")) {
                try await stores.adminTokens.revoke("tadm_0000000", actor: "operator:ann")
            }
            await #expect(throws: AdminTokenError.self) { try await stores.adminTokens.revoke("nonsense", actor: "operator:ann") }
            await #expect(throws: AdminTokenError.self) { try await stores.adminTokens.revoke(UUID().uuidString, actor: "operator:ann") }
            await #expect(throws: AdminTokenError.self) { try await stores.adminTokens.issue(label: "has space", actor: "operator:ann") }
            await #expect(throws: AdminTokenError.self) { try await stores.adminTokens.issue(label: String(repeating: "l", count: 65), actor: "operator:ann") }
            await #expect(throws: AdminTokenError.self) { try await stores.adminTokens.issue(label: nil, actor: "operator:ann", reason: " ") }

            let events = try await stores.operatorEventStore.readCategory(AdminTokenStreams.category, tenant: EventLog.controlPlaneTenantID)
            #expect(events.map(\.type) == ["AdminTokenIssued", "AdminTokenRevoked"])
        }
    }

    @Test("two concurrent revocations of one token: one records it, the other is refused")
    func concurrentRevocations() async throws {
        try await withAdminTokens { stores in
            let issued = try await stores.adminTokens.issue(label: "race", actor: "operator:ann")
            let service = stores.adminTokens
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<2 {
                    group.addTask { (try? await service.revoke(issued.record.prefix, actor: "operator:ann")) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let events = try await stores.operatorEventStore.readStream(AdminTokenStreams.stream(issued.record.id), tenant: EventLog.controlPlaneTenantID)
            #expect(events.map(\.type) == ["AdminTokenIssued", "AdminTokenRevoked"])
        }
    }

    @Test("a tenant writing an admintoken stream of its own creates no admin token")
    func onlyTheControlPlaneIssues() async throws {
        try await withAdminTokens { stores in
            let tenant = UUID()
            let forged = AdminToken.generate()
            let data = #"{"tokenId":"\#(forged.id.uuidString.lowercased())","prefix":"\#(forged.prefix)","sha256":"\#(AdminToken.hash(forged.secret))"}"#
            try await stores.eventStore.append(
                [try NewEvent(type: "AdminTokenIssued", dataJSON: data)],
                to: AdminTokenStreams.stream(forged.id), tenant: tenant
            )
            let directory = AdminTokenDirectory.live(store: stores.operatorEventStore)
            try await directory.catchUp()
            #expect(directory.state.authenticate(token: forged.secret) == nil)
            #expect(directory.state.tokens.isEmpty)
        }
    }
}

/// The stores admin tokens live on, on a fresh test database: the control plane's (acting as
/// `tenantry_operator`) and the application's, for a tenant's own writes.
private struct AdminTokenStores {
    let adminTokens: AdminTokenService
    let operatorEventStore: EventLog
    let eventStore: EventLog
}

/// Runs `body` with admin tokens on a fresh test database, without the rest of the runtime.
private func withAdminTokens(_ body: (AdminTokenStores) async throws -> Void) async throws {
    try await withTestDatabase { database async throws in
        let operatorPool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 4)
        let applicationPool = PostgresPool(configuration: database.applicationConfiguration, maximumConnections: 2)
        let operatorStore = EventLog(pool: operatorPool)
        let stores = AdminTokenStores(
            adminTokens: AdminTokenService(store: operatorStore), operatorEventStore: operatorStore,
            eventStore: EventLog(pool: applicationPool))
        do {
            try await body(stores)
        } catch {
            await operatorPool.close()
            await applicationPool.close()
            throw error
        }
        await operatorPool.close()
        await applicationPool.close()
    }
}
