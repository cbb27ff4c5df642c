import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Commit notifications tell a listener nothing about whose stream changed")
struct NotificationPayloadTests {
    @Test("a tenantry_app session with no tenant set hears only empty payloads while a tenant and the control plane append")
    func payloadsAreEmpty() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let listener = try await PostgresConnection.connect(database.applicationConfiguration)
            try await listener.listen(EventLog.notificationChannel)
            let other = UUID()
            try await store.append(TestEvents.events(1...3), to: StreamName(unchecked: "secretplans-" + other.uuidString.lowercased()), tenant: other)
            let operatorPool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
            try await EventLog(pool: operatorPool).append(
                [TestEvents.event(1)], to: StreamName(unchecked: "tenant-" + other.uuidString.lowercased()), tenant: EventLog.controlPlaneTenantID
            )
            await operatorPool.close()

            var received: [PostgresNotification] = []
            try await waitUntil("both commits were notified") {
                received += try await listener.notifications(timeout: .milliseconds(100))
                return received.count >= 2
            }
            #expect(received.allSatisfy { $0.channel == EventLog.notificationChannel })
            #expect(received.map(\.payload) == Array(repeating: "", count: received.count))
            await listener.close()
        }
    }

    @Test("a subscription still wakes on the empty notification")
    func subscriptionWakes() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let view = LiveView(store: store, filter: EventFilter(tenantID: tenant), initial: 0) { (total: inout Int, _) in total += 1 }
            // A recheck far beyond the test's deadline: only a notification can wake it in time.
            let following = Task { try await view.run(idleRecheck: .seconds(3600)) }
            try await waitUntil("the view caught up") { view.isCaughtUp }
            try await store.append(TestEvents.events(1...2), to: "woken-1", tenant: tenant)
            try await waitUntil("the view folded the new events") { view.state == 2 }
            following.cancel()
            _ = try? await following.value
        }
    }
}
