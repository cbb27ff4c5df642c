import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Synchronization
import Tenantry
import TestSupport
import Testing

/// What the registry's fold read, per stream, batch by batch.
final class FoldReads: Sendable {
    private let reads = Mutex<[String: [Int]]>([:])

    func record(_ stream: String, _ count: Int) {
        reads.withLock { $0[stream, default: []].append(count) }
    }

    func take(_ stream: String) -> [Int] {
        reads.withLock { reads in
            defer { reads[stream] = nil }
            return reads[stream] ?? []
        }
    }
}

@Suite("A tenant's long stream costs a command nothing")
struct LongStreamTests {
    /// Events appended to a tenant's stream: more than a load's page (1000), so loads page.
    static let padding = 3000

    static func signup(_ name: String) -> SignupRequest {
        SignupRequest(email: "owner@long.example", organization: "\(name) \(UUID().uuidString.prefix(6))")
    }

    /// Appends `count` attribute changes to the tenant's stream the way its own commands would
    /// record them (without the registry catching up), in appends of 500.
    static func pad(_ tenant: UUID, with count: Int, from first: Int = 1, store: EventLog) async throws {
        let stream = try StreamName("tenant-" + tenant.uuidString.lowercased())
        for start in stride(from: first, to: first + count, by: 500) {
            let events = try (start..<min(start + 500, first + count)).map { n in
                try NewEvent(type: "TenantAttributesChanged", dataJSON: #"{"set": {"n": \#(n)}, "removed": []}"#)
            }
            try await store.append(events, to: stream, tenant: EventLog.controlPlaneTenantID)
        }
    }

    @Test("a command on a long stream reads only the events after the tenant's snapshot; a load never cuts a stream short")
    func commandsReadOnlyAfterTheSnapshot() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let tenants = runtime.tenants.lifecycle
            let tenant = try await runtime.tenants.create(Self.signup("Long"), actor: "test").tenant
            try await Self.pad(tenant.id, with: Self.padding, store: tenants.store)

            // The first load folds every event, across pages, and snapshots the result.
            let first = try await tenants.loadTenant(tenant.id)
            let folded = try #require(first.state)
            #expect(first.eventsRead == Int(tenant.version) + Self.padding)
            #expect(folded.version == tenant.version + Int64(Self.padding))
            #expect(folded.attributes["n"] == .number(Double(Self.padding)))
            #expect(first.wroteSnapshot)

            // The next starts from that snapshot, reads nothing, and finds the same state.
            let second = try await tenants.loadTenant(tenant.id)
            #expect(second.snapshotVersion == folded.version)
            #expect(second.eventsRead == 0)
            #expect(second.state == folded)

            // A command loads from the snapshot: after it, the stream holds one event more and a
            // load reads exactly that one.
            let suspended = try await runtime.tenants.suspend(tenant.slug, reason: "long stream check", actor: "test")
            #expect(suspended.status == .suspended)
            #expect(suspended.version == folded.version + 1)
            let afterCommand = try await tenants.loadTenant(tenant.id)
            #expect(afterCommand.snapshotVersion == folded.version)
            #expect(afterCommand.eventsRead == 1)
            #expect(afterCommand.state == suspended)

            // Once more than the interval has been appended, the next load snapshots again.
            try await Self.pad(tenant.id, with: 150, from: Self.padding + 1, store: tenants.store)
            let later = try await tenants.loadTenant(tenant.id)
            #expect(later.snapshotVersion == folded.version)
            #expect(later.eventsRead == 151)
            #expect(later.wroteSnapshot)
            #expect(try await tenants.loadTenant(tenant.id).eventsRead == 0)
            // The history is every event, not a page of them.
            #expect(try await tenants.history(tenant.id).count == Int(folded.version) + 151)
        }
    }

    @Test("the registry folds only new events: its work per new event does not grow with the stream, and a rebuild reads each event once")
    func registryFoldsOnlyNewEvents() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let tenants = runtime.tenants.lifecycle
            let long = try await runtime.tenants.create(Self.signup("Long"), actor: "test").tenant
            let short = try await runtime.tenants.create(Self.signup("Short"), actor: "test").tenant
            // The registry folds the signups first (a server's registry worker would), so what
            // is observed below is the padding and the suspensions alone.
            try await runtime.tenants.registry.catchUpWithCommittedWrites()
            let reads = FoldReads()
            let registry = ProjectionRunner(
                projection: TenantsProjection(store: tenants.store, observer: { reads.record($0, $1) }), store: tenants.store
            )
            let longStream = "tenant-" + long.id.uuidString.lowercased()
            let shortStream = "tenant-" + short.id.uuidString.lowercased()

            try await Self.pad(long.id, with: Self.padding, store: tenants.store)
            try await registry.catchUpWithCommittedWrites()
            // Each batch read its own new events only (a batch is at most 500 events).
            let catchUp = reads.take(longStream)
            #expect(catchUp.reduce(0, +) == Self.padding)
            #expect(catchUp.allSatisfy { $0 <= 500 })

            // One new event on each tenant: one event read for each, however long its stream.
            _ = try await tenants.suspend(long.id, reason: "registry check", actor: "test")
            _ = try await tenants.suspend(short.id, reason: "registry check", actor: "test")
            try await registry.catchUpWithCommittedWrites()
            #expect(reads.take(longStream) == [1])
            #expect(reads.take(shortStream) == [1])
            let suspended = try await TenantSummary.list(state: "suspended", plan: nil, on: runtime.operatorPool).map(\.id)
            #expect(Set(suspended) == [long.id, short.id])

            // A rebuild reads each event of the stream once, not once per batch.
            try await registry.rebuild()
            let longVersion = try #require(try await tenants.load(long.id)).version
            #expect(reads.take(longStream).reduce(0, +) == Int(longVersion))
            let rebuilt = try await TenantSummary.list(state: "suspended", plan: nil, on: runtime.operatorPool).map(\.id)
            #expect(Set(rebuilt) == [long.id, short.id])
        }
    }

    @Test("an export is created 0600 in a directory created 0700, holds every event, and no API key's hash")
    func exportIsPrivate() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let tenant = try await runtime.tenants.create(Self.signup("Export"), actor: "test").tenant
            let digests = tenant.apiKeys.values.map(\.sha256)
            #expect(!digests.isEmpty)
            try await Self.pad(tenant.id, with: 1200, store: runtime.tenants.lifecycle.store)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-export-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: root) }
            let file = root.appendingPathComponent("nested/export.jsonl")
            let (_, count) = try await runtime.tenants.offboard(tenant.id, exportTo: file.path, actor: "test", reason: "export check")
            #expect(count >= Int(tenant.version) + 1200)

            let fileMode = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int)
            #expect(fileMode & 0o777 == 0o600)
            for directory in [root, root.appendingPathComponent("nested")] {
                let mode = try #require(try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int)
                #expect(mode & 0o777 == 0o700, "\(directory.path)")
            }
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.split(separator: "\n").count == count)
            #expect(text.contains("\"type\":\"APIKeyIssued\""))
            for digest in digests { #expect(!text.contains(digest)) }
            #expect(!text.contains("\"sha256\""))
        }
    }
}
