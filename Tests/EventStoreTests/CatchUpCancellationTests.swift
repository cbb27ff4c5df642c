import EventStore
import Foundation
import PostgresClient
import Synchronization
import TestSupport
import Testing

/// A shared page count a projection and its test both hold.
final class PageCount: Sendable {
    let value = Mutex(0)
    var current: Int { value.withLock { $0 } }
}

@Suite("Catch-up honours cancellation")
struct CatchUpCancellationTests {
    /// Events in the long stream; read ten at a time, that is 300 pages.
    static let streamLength = 3000
    static let pageSize = 10

    static func appendLongStream(_ store: EventLog, tenant: UUID) async throws {
        for start in stride(from: 1, through: streamLength, by: 500) {
            try await store.append(TestEvents.events(start...(start + 499)), to: "long-1", tenant: tenant)
        }
        try await waitUntil("the long stream is deliverable") {
            try await store.readAll(after: .start, limit: streamLength + 1).count == streamLength
        }
    }

    @Test("a projection's catch-up over a long stream stops between pages when cancelled, within a deadline")
    func projectionCatchUp() async throws {
        try await withEventStore { store, _ async throws in
            try await Self.appendLongStream(store, tenant: UUID())
            let count = PageCount()
            let runner = ProjectionRunner(projection: PageCounterProjection(count: count), store: store, batchSize: Self.pageSize)
            let catchingUp = Task { try await runner.catchUp() }
            // A page is applied inside the transaction that saves its checkpoint: the second
            // page being applied means the first one's transaction has committed.
            try await waitUntil("the catch-up committed a page") { count.current >= 2 }
            let cancelledAt = ContinuousClock.now
            catchingUp.cancel()
            await #expect(throws: CancellationError.self) { try await catchingUp.value }
            // Not a timing test (the machine may be busy): it must not run on to the end, checked below.
            #expect(cancelledAt.duration(to: .now) < .conditionDeadline)
            // It stopped between pages long before the end, at a checkpoint it saved.
            let applied = count.current
            #expect(applied < Self.streamLength / Self.pageSize)
            let checkpoint = try #require(try await runner.checkpoint())
            #expect(checkpoint > .start)
        }
    }

    @Test("a subscription's catch-up over a long stream stops between batches when cancelled")
    func subscriptionCatchUp() async throws {
        try await withEventStore { store, _ async throws in
            try await Self.appendLongStream(store, tenant: UUID())
            let count = PageCount()
            let subscription = EventSubscription(store: store, filter: EventFilter(categories: ["long"]), batchSize: Self.pageSize)
            let catchingUp = Task {
                try await subscription.catchUp(from: .start) { _ in count.value.withLock { $0 += 1 } }
            }
            try await waitUntil("the catch-up handled a batch") { count.current >= 1 }
            let cancelledAt = ContinuousClock.now
            catchingUp.cancel()
            await #expect(throws: CancellationError.self) { _ = try await catchingUp.value }
            // Not a timing test (the machine may be busy): it must not run on to the end, checked below.
            #expect(cancelledAt.duration(to: .now) < .conditionDeadline)
            #expect(count.current < Self.streamLength / Self.pageSize)
        }
    }

    @Test("a live view's catch-up over a long stream stops between pages when cancelled")
    func liveViewCatchUp() async throws {
        try await withEventStore { store, _ async throws in
            try await Self.appendLongStream(store, tenant: UUID())
            let view = LiveView(store: store, filter: EventFilter(categories: ["long"]), initial: 0) { (total: inout Int, _) in
                total += 1
            }
            let catchingUp = Task { try await view.catchUp(batchSize: Self.pageSize) }
            try await waitUntil("the view folded a page") { view.state >= Self.pageSize }
            let cancelledAt = ContinuousClock.now
            catchingUp.cancel()
            await #expect(throws: CancellationError.self) { try await catchingUp.value }
            // Not a timing test (the machine may be busy): it must not run on to the end, checked below.
            #expect(cancelledAt.duration(to: .now) < .conditionDeadline)
            #expect(view.state < Self.streamLength)
        }
    }
}

/// `PageCounter` over a count the test reads.
struct PageCounterProjection: Projection {
    let name = "page-counter"
    let filter = EventFilter(categories: ["long"])
    let count: PageCount

    func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        count.value.withLock { $0 += 1 }
    }

    func reset(in connection: PostgresConnection) async throws {}
}
