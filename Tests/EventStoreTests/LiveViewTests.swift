import EventStore
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("Live views")
struct LiveViewTests {
    /// Lets the fold look at what the view has published while it folds the next event.
    final class ViewReference: Sendable {
        let view = Mutex<LiveView<[Int]>?>(nil)
        let publishedCountsSeen = Mutex<Set<Int>>([])
    }

    @Test("a view publishes only whole transactions, even when its pages cut them, or one is larger than a page")
    func publishesWholeTransactions() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            // Transactions of 5, 20 and 3 events, read in pages of 7: pages end inside the
            // second transaction, and it is longer than a page.
            try await store.append(TestEvents.events(1...5), to: "atomic-1", tenant: tenant)
            try await store.append(TestEvents.events(6...25), to: "atomic-2", tenant: tenant)
            try await store.append(TestEvents.events(26...28), to: "atomic-3", tenant: tenant)

            let reference = ViewReference()
            let view = LiveView(store: store, filter: EventFilter(categories: ["atomic"]), initial: [Int]()) { state, event in
                // Reading the published state is one atomic load, so it is safe inside a fold.
                if let published = reference.view.withLock({ $0 })?.state.count {
                    reference.publishedCountsSeen.withLock { _ = $0.insert(published) }
                }
                state.append(try event.decodeData(as: TestEvents.Payload.self).n)
            }
            reference.view.withLock { $0 = view }
            let task = Task { try await view.run(batchSize: 7) }
            let caughtUp = await view.waitUntil(timeout: .conditionDeadline) { $0.count == 28 }
            task.cancel()
            _ = try? await task.value

            #expect(caughtUp)
            #expect(view.state == Array(1...28))
            // Every state published while later events were folded ended on a transaction.
            let seen = reference.publishedCountsSeen.withLock { $0 }
            #expect(!seen.isEmpty)
            #expect(seen.isSubset(of: [0, 5, 25, 28]), "published mid-transaction: \(seen.sorted())")
        }
    }
}
