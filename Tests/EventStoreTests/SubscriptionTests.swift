import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Catch-up and live subscriptions")
struct SubscriptionTests {
    @Test("an idle subscriber is woken by the feed-tip watcher, not by its safety-net recheck")
    func wokenByTheWatcher() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            try await store.append(TestEvents.events(1...3), to: "feed-1", tenant: tenant)
            let received = Received()
            // A recheck of ten minutes: only the watcher can deliver within the test.
            let subscription = EventSubscription(store: store, idleRecheck: .seconds(600))
            let task = Task { try await subscription.run(from: .start) { received.append($0) } }
            try await waitUntil("caught up") { received.count == 3 }
            try await store.append([TestEvents.event(4)], to: "feed-1", tenant: tenant)
            try await waitUntil("the live event arrived") { received.count == 4 }
            task.cancel()
            _ = try? await task.value
            #expect(received.all.map(\.version) == [1, 2, 3, 4])
        }
    }

    @Test("through a database outage a subscription warns once, backs off between attempts, and resumes without loss")
    func backsOffThroughAnOutage() async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            let logs = CapturedLogs()
            let received = Received()
            let subscription = EventSubscription(store: store, idleRecheck: .seconds(600), logger: logs.logger())
            let task = Task { try await subscription.run(from: .start) { received.append($0) } }
            try await store.append([TestEvents.event(1)], to: "outage-1", tenant: tenant)
            try await waitUntil("the first event arrived") { received.count == 1 }

            try await database.refuseConnections(true)
            let lost = "subscription lost its connection; reconnecting"
            let retried = "subscription still cannot reach the database"
            try await waitUntil("five retries") { logs.entries(retried).count >= 5 }
            let warnings = logs.entries(lost)
            let attempts = logs.entries(retried)
            // Back-off doubling from 0.1 s (with jitter down to half) puts at least
            // 0.05 + 0.1 + 0.2 + 0.4 + 0.8 s between the warning and the fifth retry; a fixed
            // pause of 0.2 s would take about 1 s. Slowness only lengthens it.
            #expect(warnings.count == 1)
            #expect(attempts.allSatisfy { $0.level == .debug })
            if let warning = warnings.first {
                #expect(warning.level == .warning)
                #expect(attempts[4].at - warning.at >= .milliseconds(1_550))
            }

            try await database.refuseConnections(false)
            try await waitUntil("reconnected") { !logs.entries("subscription reconnected").isEmpty }
            try await store.append([TestEvents.event(2)], to: "outage-1", tenant: tenant)
            try await waitUntil("the event after the outage arrived") { received.count == 2 }
            task.cancel()
            _ = try? await task.value
            #expect(received.all.map(\.version) == [1, 2])
            #expect(logs.entries(lost).count == 1)
        }
    }

    @Test("an event held back by an older open transaction arrives once that transaction rolls back")
    func heldBackByRollback() async throws {
        try await withEventStore { store, database async throws in
            let received = Received()
            let subscription = EventSubscription(store: store, idleRecheck: .seconds(600))
            let task = Task { try await subscription.run(from: .start) { received.append($0) } }

            // An older transaction takes an id and stays open; it will roll back, writing nothing.
            let blocker = try await PostgresConnection.connect(database.applicationConfiguration)
            try await blocker.query("BEGIN")
            try await blocker.query("SELECT pg_current_xact_id()")
            try await store.append([TestEvents.event(1)], to: "feed-1", tenant: UUID())

            // While it is open, the committed event must not be handed out (it would be unsafe).
            let heldBack = try await store.readAll()
            #expect(heldBack.isEmpty)
            #expect(try await store.readPage(after: .start).hasHeldBackEvents)

            try await blocker.query("ROLLBACK")
            await blocker.close()
            try await waitUntil("the held-back event arrived") { received.count == 1 }
            task.cancel()
            _ = try? await task.value
        }
    }

    @Test("a filter narrows the feed to one tenant and some categories")
    func filtered() async throws {
        try await withEventStore { store, _ async throws in
            let (a, b) = (UUID(), UUID())
            try await store.append([TestEvents.event(1)], to: "order-1", tenant: a)
            try await store.append([TestEvents.event(2)], to: "invoice-1", tenant: a)
            try await store.append([TestEvents.event(3)], to: "order-1", tenant: b)
            let onlyA = try await store.readAllSettled(count: 2, filter: EventFilter(tenantID: a))
            #expect(onlyA.count == 2)
            #expect(onlyA.allSatisfy { $0.tenantID == a })
            let orders = try await store.readAllSettled(count: 2, filter: EventFilter(categories: ["order"]))
            #expect(orders.count == 2)
            #expect(orders.allSatisfy { $0.category == "order" })
        }
    }

    @Test("`cursor(beforePosition:)` and `currentEnd()` start the feed at a position or after everything")
    func startingPoints() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let result = try await store.append(TestEvents.events(1...5), to: "feed-1", tenant: tenant)
            _ = try await store.readAllSettled(count: 5)
            let fromThird = try await store.readAll(after: try await store.cursor(beforePosition: result.positions[2]))
                .filter { $0.position >= result.positions[2] }
            #expect(fromThird.map(\.version) == [3, 4, 5])
            // The end lies below the feed's horizon, which a transaction of another database
            // can hold back for a moment (one that commits between the horizon's snapshot and its
            // look at the backends counts as this database's): wait until it covers the five.
            var end = GlobalCursor.start
            try await waitUntil("the current end passes the appended events") {
                end = try await store.currentEnd()
                return end.position >= result.positions[4]
            }
            #expect(try await store.readAll(after: end).isEmpty)
            try await store.append([TestEvents.event(6)], to: "feed-1", tenant: tenant)
            #expect(try await store.readAllSettled(count: 1, after: end).map(\.version) == [6])
        }
    }

    @Test("a filtered reader's cursor moves past other tenants' events, so it sleeps instead of rescanning")
    func filteredCursorJumpsToHorizon() async throws {
        try await withEventStore { store, _ async throws in
            let mine = UUID()
            try await store.append([TestEvents.event(1)], to: "feed-1", tenant: mine)
            for n in 0..<20 {
                try await store.append([TestEvents.event(n)], to: "feed-1", tenant: UUID())
            }
            _ = try await store.readAllSettled(count: 21)
            let filter = EventFilter(tenantID: mine)
            let page = try await store.readPage(after: .start, filter: filter, limit: 10)
            #expect(page.events.count == 1)
            #expect(!page.isFull)
            // Nothing of this tenant is held back: a follower would wait for a notification.
            #expect(!page.hasHeldBackEvents)
            let next = page.nextCursor(after: .start)
            #expect(next > page.events[0].cursor)
            #expect(next.transactionID == page.horizon)
            // From there, the other tenants' events are not read again.
            let again = try await store.readPage(after: next, filter: EventFilter.all, limit: 100)
            #expect(again.events.isEmpty)
        }
    }

    @Test("starting at a position does not miss an event an older open transaction adds there")
    func cursorBeforePositionWaitsForOlderTransaction() async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            let older = try await PostgresConnection.connect(database.applicationConfiguration)
            try await older.query("BEGIN")
            let held = try await store.append([TestEvents.event(1)], to: "slow-1", tenant: tenant, on: older)
            let committed = try await store.append([TestEvents.event(2)], to: "fast-1", tenant: tenant)
            #expect(committed.positions[0] > held.positions[0])

            let start = try await store.cursor(beforePosition: held.positions[0])
            try await older.query("COMMIT")
            await older.close()
            let events = try await store.readAllSettled(count: 2, after: start)
            #expect(Set(events.map(\.stream)) == ["slow-1", "fast-1"])
        }
    }
}
