import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("The feed-tip watcher and the database's own horizon")
struct FeedTipWatcherTests {
    @Test("an append by a client that never nudges (plain SQL on a connection of its own) reaches an idle subscriber")
    func appendsFromAnyClientWake() async throws {
        try await withEventStore { store, database async throws in
            let received = Received()
            // A recheck of ten minutes: only the watcher's own probing can deliver in time.
            let subscription = EventSubscription(store: store, idleRecheck: .seconds(600))
            let task = Task { try await subscription.run(from: .start) { received.append($0) } }
            defer { task.cancel() }
            try await waitUntil("the watcher runs") { FeedTipWatchers.shared.count > 0 }

            let psql = try await PostgresConnection.connect(database.operatorConfiguration)
            defer { Task { await psql.close() } }
            let event = #"[{"id":"\#(UUID().uuidString.lowercased())","type":"Typed","data":{"by":"psql"},"metadata":{}}]"#
            try await psql.query("SELECT * FROM tenantry.append_events(\(UUID()), 'plain-1', NULL, \(event)::jsonb)")
            try await waitUntil("the plain append arrived") { received.count == 1 }
            #expect(received.all.first?.type == "Typed")
        }
    }

    @Test("every subscription of a process on one database shares one watcher session, closed with the last")
    func oneWatcherPerDatabase() async throws {
        try await withEventStore { store, database async throws in
            let subscriptions = (0..<5).map { _ in
                Task { try await EventSubscription(store: store, idleRecheck: .seconds(600)).run(from: .start) { _ in } }
            }
            let admin = try await PostgresConnection.connect(database.administratorConfiguration)
            defer { Task { await admin.close() } }
            @Sendable func watcherSessions() async throws -> Int {
                try await admin.query("""
                    SELECT count(*)::bigint FROM pg_stat_activity
                    WHERE datname = \(database.name) AND application_name = \(FeedTipWatcher.applicationName)
                    """).rows.first?.decode(Int.self) ?? -1
            }
            try await waitUntil("the watcher connected") { try await watcherSessions() >= 1 }
            #expect(try await watcherSessions() == 1)
            for subscription in subscriptions { subscription.cancel() }
            for subscription in subscriptions { _ = try? await subscription.value }
            try await waitUntil("the watcher closed with the last subscription") { try await watcherSessions() == 0 }
        }
    }

    @Test("a transaction left open in another database does not hold this database's feed back")
    func otherDatabasesDoNotHoldTheFeed() async throws {
        try await withEventStore { store, database async throws in
            let elsewhere = try await TestDatabase.create()
            let blocker = try await PostgresConnection.connect(elsewhere.administratorConfiguration)
            try await blocker.query("BEGIN")
            try await blocker.query("SELECT pg_current_xact_id()")

            let received = Received()
            let subscription = EventSubscription(store: store, idleRecheck: .seconds(600))
            let task = Task { try await subscription.run(from: .start) { received.append($0) } }
            try await store.append([TestEvents.event(1)], to: "feed-1", tenant: UUID())
            // Under the cluster-wide horizon this waited for the blocker, which never ends here.
            try await waitUntil("the event arrived while the other database's transaction is open") { received.count == 1 }
            #expect(try await store.readPage(after: .start).events.count == 1)

            task.cancel()
            _ = try? await task.value
            try await blocker.query("ROLLBACK")
            await blocker.close()
            try await elsewhere.drop()
        }
    }

    @Test("a transaction left open in this database holds later commits back until it ends, then the watcher delivers them")
    func thisDatabaseHoldsTheFeed() async throws {
        try await withEventStore { store, database async throws in
            let received = Received()
            let subscription = EventSubscription(store: store, idleRecheck: .seconds(600))
            let task = Task { try await subscription.run(from: .start) { received.append($0) } }
            let blocker = try await PostgresConnection.connect(database.operatorConfiguration)
            try await blocker.query("BEGIN")
            try await blocker.query("SELECT pg_current_xact_id()")
            try await store.append([TestEvents.event(1)], to: "feed-1", tenant: UUID())
            let page = try await store.readPage(after: .start)
            #expect(page.events.isEmpty)
            #expect(page.hasHeldBackEvents)
            #expect(received.count == 0)
            try await blocker.query("COMMIT")
            await blocker.close()
            try await waitUntil("the held-back event arrived") { received.count == 1 }
            task.cancel()
            _ = try? await task.value
        }
    }
}
