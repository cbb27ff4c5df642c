@testable import PostgresClient
import TestSupport
import Testing

@Suite("LISTEN / NOTIFY")
struct NotificationTests {
    @Test("a notification sent by another session arrives at commit")
    func deliversAtCommit() async throws {
        try await withTestDatabase { database async throws in
            let listener = try await PostgresConnection.connect(database.applicationConfiguration)
            try await listener.listen("news")
            try await PostgresConnection.withConnection(database.applicationConfiguration) { sender in
                try await sender.transaction { connection in
                    try connection.query("SELECT pg_notify('news', \("hello"))")
                }
            }
            let received = try await listener.notifications(timeout: .seconds(10))
            #expect(received.map(\.payload) == ["hello"])
            #expect(received.first?.channel == "news")
            await listener.close()
        }
    }

    @Test("waiting with nothing sent times out empty")
    func timesOutEmpty() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { listener in
                try await listener.listen("quiet")
                let received = try await listener.notifications(timeout: .milliseconds(50))
                #expect(received.isEmpty)
            }
        }
    }

    @Test("cancelling the waiting task ends the wait at once")
    func cancellationEndsWait() async throws {
        try await withTestDatabase { database async throws in
            let listener = try await PostgresConnection.connect(database.applicationConfiguration)
            try await listener.listen("never")
            let waiting = Task { try await listener.notifications(timeout: .seconds(600)) }
            try await waitUntil("the listener is blocked in its wait") { listener.isWaitingForNotifications }
            waiting.cancel()
            // Were cancellation ignored, this would wait ten minutes, and the test time out.
            let received = try await waiting.value
            #expect(received.isEmpty)
            await listener.close()
        }
    }
}
