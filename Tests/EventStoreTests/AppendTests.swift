import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Append with expected version")
struct AppendTests {
    enum StreamState: String, CaseIterable, Sendable { case absent, atVersionTwo }

    struct Case: Sendable, CustomTestStringConvertible {
        let state: StreamState
        let expected: ExpectedVersion
        let succeeds: Bool
        var testDescription: String { "\(state.rawValue), expecting \(expected) → \(succeeds ? "appends" : "refused")" }
    }

    static let matrix: [Case] = [
        Case(state: .absent, expected: .any, succeeds: true),
        Case(state: .absent, expected: .noStream, succeeds: true),
        Case(state: .absent, expected: .streamExists, succeeds: false),
        Case(state: .absent, expected: .exact(0), succeeds: true),
        Case(state: .absent, expected: .exact(1), succeeds: false),
        Case(state: .atVersionTwo, expected: .any, succeeds: true),
        Case(state: .atVersionTwo, expected: .noStream, succeeds: false),
        Case(state: .atVersionTwo, expected: .streamExists, succeeds: true),
        Case(state: .atVersionTwo, expected: .exact(2), succeeds: true),
        Case(state: .atVersionTwo, expected: .exact(1), succeeds: false),
        Case(state: .atVersionTwo, expected: .exact(3), succeeds: false),
        Case(state: .atVersionTwo, expected: .exact(0), succeeds: false),
    ]

    @Test("the expected-version matrix", arguments: matrix)
    func expectedVersionMatrix(_ testCase: Case) async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let stream: StreamName = "account-1"
            if testCase.state == .atVersionTwo {
                try await store.append(TestEvents.events(1...2), to: stream, tenant: tenant)
            }
            let before = try await store.streamVersion(stream, tenant: tenant) ?? 0
            if testCase.succeeds {
                let result = try await store.append([TestEvents.event(9)], to: stream, tenant: tenant, expectedVersion: testCase.expected)
                #expect(result.streamVersion == before + 1)
            } else {
                let error = await #expect(throws: EventStoreError.self) {
                    try await store.append([TestEvents.event(9)], to: stream, tenant: tenant, expectedVersion: testCase.expected)
                }
                guard case let .wrongExpectedVersion(name, expected, actual) = error else {
                    Issue.record("expected wrongExpectedVersion, got \(String(describing: error))")
                    return
                }
                #expect(name == "account-1")
                #expect(expected == testCase.expected)
                #expect(actual == before)
                #expect(try await store.streamVersion(stream, tenant: tenant) ?? 0 == before)
            }
        }
    }

    @Test("several events in one append get consecutive versions and increasing positions")
    func multiEventAppend() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let first = try await store.append(TestEvents.events(1...3), to: "order-7", tenant: tenant)
            let second = try await store.append(TestEvents.events(4...5), to: "order-7", tenant: tenant)
            #expect(first.streamVersion == 3)
            #expect(second.streamVersion == 5)
            #expect(first.positions == first.positions.sorted())
            #expect(first.positions.count == 3)
            let events = try await store.readStream("order-7", tenant: tenant)
            #expect(events.map(\.version) == [1, 2, 3, 4, 5])
            #expect(try events.map { try $0.decodeData(as: TestEvents.Payload.self).n } == [1, 2, 3, 4, 5])
            #expect(events.map(\.position) == first.positions + second.positions)
        }
    }

    @Test("a batch with one invalid event writes none of them")
    func atomicBatch() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let events = [TestEvents.event(1), TestEvents.event(2, type: "not valid!"), TestEvents.event(3)]
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append(events, to: "order-1", tenant: tenant)
            }
            guard case .invalidEvent(let message) = error else {
                Issue.record("expected invalidEvent, got \(String(describing: error))")
                return
            }
            #expect(message.contains("event 2"))
            #expect(try await store.countAll() == 0)
            #expect(try await store.streamVersion("order-1", tenant: tenant) == nil)
        }
    }

    @Test("re-appending the same events returns the first result and writes nothing")
    func idempotentReappend() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let events = TestEvents.events(1...3)
            let first = try await store.append(events, to: "cart-1", tenant: tenant, expectedVersion: .noStream)
            // The retry would fail its expected version, were it not recognised as a retry.
            let retry = try await store.append(events, to: "cart-1", tenant: tenant, expectedVersion: .noStream)
            #expect(retry == first)
            let countAfterRetry = try await store.countAll()
            #expect(countAfterRetry == 3)
        }
    }

    @Test("an event id already used in another append or stream is refused")
    func duplicateIDsRefused() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let events = TestEvents.events(1...2)
            try await store.append(events, to: "cart-1", tenant: tenant)

            let partial = await #expect(throws: EventStoreError.self) {
                try await store.append([events[0], TestEvents.event(3)], to: "cart-1", tenant: tenant)
            }
            guard case .duplicateEventID = partial else { Issue.record("got \(String(describing: partial))"); return }

            let elsewhere = await #expect(throws: EventStoreError.self) {
                try await store.append(events, to: "cart-2", tenant: tenant)
            }
            guard case .duplicateEventID(let message) = elsewhere else { Issue.record("got \(String(describing: elsewhere))"); return }
            #expect(message.contains("cart-1"))
            #expect(try await store.countAll() == 2)
        }
    }

    @Test("bad input is refused with a message naming what was wrong, and nothing is written",
          arguments: [
            ("empty stream name", "", "{}"),
            ("stream name without id", "account", "{}"),
            ("stream name with a space", "account-4 2", "{}"),
          ])
    func badStreamNames(_ label: String, _ stream: String, _ data: String) async throws {
        let error = #expect(throws: EventStoreError.self) { try StreamName(stream) }
        guard case .invalidStreamName(let message) = error else { Issue.record("\(label): got \(String(describing: error))"); return }
        #expect(message.contains("category-id"))
    }

    @Test("malformed or non-object JSON data is refused before it reaches the database")
    func malformedJSON() throws {
        for json in ["{\"a\": ", "[1,2]", "42", "", "{}}, {\"id\": \"x\""] {
            let error = #expect(throws: EventStoreError.self) { try NewEvent(type: "X", dataJSON: json) }
            guard case .invalidEvent = error else { Issue.record("\(json): got \(String(describing: error))"); continue }
        }
    }

    @Test("the SQL function refuses bad input from any client, naming the problem")
    func sqlFunctionValidates() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let tenant = UUID()
                let cases: [(String, String, SQLState)] = [
                    ("account-1", "[]", EventStoreError.Code.invalidEvent),
                    ("account-1", "{\"id\": 1}", EventStoreError.Code.invalidEvent),
                    ("account-1", "[{\"id\": \"nope\", \"type\": \"X\", \"data\": {}}]", EventStoreError.Code.invalidEvent),
                    ("account-1", "[{\"id\": \"\(UUID())\", \"type\": \"X\", \"data\": [1]}]", EventStoreError.Code.invalidEvent),
                    ("nodash", "[{\"id\": \"\(UUID())\", \"type\": \"X\", \"data\": {}}]", EventStoreError.Code.invalidStreamName),
                ]
                for (stream, events, code) in cases {
                    let error = await #expect(throws: PostgresError.self) {
                        try await connection.query(
                            "SELECT * FROM tenantry.append_events(\(tenant), \(stream), NULL, \(events)::jsonb)"
                        )
                    }
                    #expect(error?.sqlState == code, "\(stream) \(events)")
                }
                let count = try await connection.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
                #expect(count == 0)
            }
        }
    }

    @Test("an event over the 1 MiB limit is refused with its size, and nothing is written")
    func oversizedEvent() async throws {
        try await withEventStore { store, _ async throws in
            let big = String(repeating: "x", count: 1_100_000)
            let event = try NewEvent(type: "Big", data: ["blob": big])
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append([TestEvents.event(1), event], to: "blob-1", tenant: UUID())
            }
            guard case .eventTooLarge(let message) = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(message.contains("event 2"))
            #expect(message.contains("1048576"))
            #expect(try await store.countAll() == 0)
        }
    }
}
