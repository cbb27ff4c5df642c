import EventStore
import Foundation
import TestSupport
import Testing

@Suite("Reading streams, categories and the whole feed")
struct ReadTests {
    @Test("a stream reads forward and backward from a version, in batches")
    func streamReads() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            try await store.append(TestEvents.events(1...10), to: "doc-1", tenant: tenant)
            #expect(try await store.readStream("doc-1", tenant: tenant, from: 4, limit: 3).map(\.version) == [4, 5, 6])
            #expect(try await store.readStream("doc-1", tenant: tenant, direction: .backward, limit: 2).map(\.version) == [10, 9])
            #expect(try await store.readStream("doc-1", tenant: tenant, from: 3, direction: .backward).map(\.version) == [3, 2, 1])
            #expect(try await store.readStream("doc-1", tenant: UUID()).isEmpty)
        }
    }

    @Test("a category read returns every stream of the category for one tenant, by position")
    func categoryReads() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            try await store.append([TestEvents.event(1)], to: "doc-1", tenant: tenant)
            try await store.append([TestEvents.event(2)], to: "note-1", tenant: tenant)
            try await store.append([TestEvents.event(3)], to: "doc-2", tenant: tenant)
            try await store.append([TestEvents.event(4)], to: "doc-3", tenant: UUID())
            let docs = try await store.readCategory("doc", tenant: tenant)
            #expect(docs.map(\.stream) == ["doc-1", "doc-2"])
            let after = try await store.readCategory("doc", tenant: tenant, after: docs[0].position)
            #expect(after.map(\.stream) == ["doc-2"])
        }
    }

    @Test("a category's stream names are one tenant's, of exactly that category (no pattern), in name order")
    func categoryStreamNames() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            for stream in ["doc_x-2", "doc_x-1", "docAx-1", "doc-1", "doc_x.more-1"] {
                try await store.append([TestEvents.event(1)], to: try StreamName(stream), tenant: tenant)
            }
            try await store.append([TestEvents.event(2)], to: "doc_x-1", tenant: tenant)
            try await store.append([TestEvents.event(3)], to: "doc_x-3", tenant: UUID())
            #expect(try await store.streamNames(inCategory: "doc_x", tenant: tenant) == ["doc_x-1", "doc_x-2"])
            #expect(try await store.streamNames(inCategory: "doc", tenant: tenant) == ["doc-1"])
            #expect(try await store.streamNames(inCategory: "note", tenant: tenant).isEmpty)
        }
    }

    @Test("the whole feed reads in batches, each continuing from the last cursor")
    func allInBatches() async throws {
        try await withEventStore { store, _ async throws in
            for stream in 0..<5 {
                try await store.append(TestEvents.events(1...7), to: try StreamName(category: "doc", id: String(stream)), tenant: UUID())
            }
            _ = try await store.readAllSettled(count: 35)
            var cursor = GlobalCursor.start
            var seen: [RecordedEvent] = []
            while true {
                let batch = try await store.readAll(after: cursor, limit: 4)
                guard let last = batch.last else { break }
                #expect(batch.count <= 4)
                seen += batch
                cursor = last.cursor
            }
            #expect(seen.count == 35)
            #expect(Set(seen.map(\.id)).count == 35)
        }
    }

    @Test("metadata round-trips: correlation, causation, actor and reason")
    func metadataRoundTrip() async throws {
        try await withEventStore { store, _ async throws in
            let metadata = EventMetadata(correlationID: UUID(), causationID: UUID(), actor: "operator:ada", reason: "test")
            let event = try NewEvent(type: "Noted", data: ["k": "v"], metadata: metadata)
            try await store.append([event], to: "doc-1", tenant: UUID())
            let read = try #require(try await store.readAllSettled(count: 1).first)
            #expect(read.metadata == metadata)
            #expect(read.id == event.id)
            #expect(read.type == "Noted")
        }
    }
}

@Suite("Snapshots")
struct SnapshotTests {
    struct State: Codable, Sendable, Equatable { var total: Int }

    @Test("a snapshot saves and loads; an older one never replaces a newer one")
    func saveAndLoad() async throws {
        try await withEventStore(role: .application) { store, _ async throws in
            let snapshots = SnapshotStore(pool: store.pool)
            let tenant = UUID()
            #expect(try await snapshots.load(stream: "cart-1", tenant: tenant, type: "cart.v1") == nil)
            try await snapshots.save(stream: "cart-1", tenant: tenant, type: "cart.v1", version: 5, state: State(total: 50))
            try await snapshots.save(stream: "cart-1", tenant: tenant, type: "cart.v1", version: 3, state: State(total: 30))
            let loaded = try #require(try await snapshots.load(stream: "cart-1", tenant: tenant, type: "cart.v1"))
            #expect(loaded.version == 5)
            #expect(try JSONDecoder().decode(State.self, from: Data(loaded.stateJSON.utf8)) == State(total: 50))
        }
    }
}
