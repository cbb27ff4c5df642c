import Foundation
public import PostgresClient

/// Why the event store refused or failed a call. Each case's message names what was wrong.
public enum EventStoreError: Error, Sendable, CustomStringConvertible {
    /// The stream was not at the version the append expected. `actual` is 0 when the stream
    /// does not exist.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64)
    case invalidStreamName(String)
    case invalidEvent(String)
    case eventTooLarge(String)
    /// An event id was already used by a different append.
    case duplicateEventID(String)
    /// Someone tried to change or remove stored events.
    case appendOnly(String)
    /// The tenant is moving to (or has moved to) another cell, and this database takes no more
    /// of its events: look up its placement again and retry.
    case tenantMoving(String)
    /// The database failed for another reason.
    case database(PostgresError)

    public var description: String {
        switch self {
        case let .wrongExpectedVersion(stream, expected, actual):
            "wrong expected version for stream \"\(stream)\": expected \(expected), actual \(actual == 0 ? "no stream" : String(actual))"
        case .invalidStreamName(let message), .invalidEvent(let message), .eventTooLarge(let message),
             .duplicateEventID(let message), .appendOnly(let message), .tenantMoving(let message):
            message
        case .database(let error):
            error.description
        }
    }

    /// Tenantry's own SQLSTATE codes, raised by the schema's functions and triggers.
    public enum Code {
        public static let wrongExpectedVersion = SQLState("TY001")
        public static let appendOnly = SQLState("TY002")
        public static let invalidStreamName = SQLState("TY003")
        public static let invalidEvent = SQLState("TY004")
        public static let eventTooLarge = SQLState("TY005")
        public static let duplicateEventID = SQLState("TY006")
        public static let tenantMismatch = SQLState("TY007")
        public static let reservedTenant = SQLState("TY008")
        public static let tenantFenced = SQLState("TY010")
    }

    /// Translates an error into the event store's terms where it has one; cancellation passes
    /// through unchanged, so a cancelled reader ends as cancelled.
    static func translate(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? PostgresError, error.kind == .cancelled { return CancellationError() }
        return EventStoreError(error)
    }

    /// Translates a database error into the event store's terms where it has one.
    init(_ error: any Error) {
        if let error = error as? EventStoreError {
            self = error
            return
        }
        guard let error = error as? PostgresError else {
            self = .database(PostgresError(kind: .misuse, message: "\(error)"))
            return
        }
        switch error.sqlState {
        case Code.wrongExpectedVersion?:
            self = Self.wrongExpectedVersion(detail: error.detail) ?? .database(error)
        case Code.appendOnly?:
            self = .appendOnly(error.message)
        case Code.invalidStreamName?:
            self = .invalidStreamName(error.message)
        case Code.invalidEvent?:
            self = .invalidEvent(error.message)
        case Code.eventTooLarge?:
            self = .eventTooLarge(error.message)
        case Code.duplicateEventID?:
            self = .duplicateEventID(error.message)
        case Code.tenantFenced?:
            self = .tenantMoving(error.message)
        case SQLState.uniqueViolation? where error.constraint == "events_tenant_id_event_id_key":
            self = .duplicateEventID("duplicate event id: an event of this append has an id already used, or being used by a concurrent append")
        case SQLState.invalidTextRepresentation?:
            self = .invalidEvent("invalid event: \(error.message)")
        default:
            self = .database(error)
        }
    }

    private static func wrongExpectedVersion(detail: String?) -> EventStoreError? {
        struct Detail: Decodable {
            let stream: String
            let expected: Int64?
            let actual: Int64
        }
        guard let detail, let parsed = try? JSONDecoder().decode(Detail.self, from: Data(detail.utf8)) else {
            return nil
        }
        return .wrongExpectedVersion(
            stream: parsed.stream, expected: ExpectedVersion(sqlValue: parsed.expected), actual: parsed.actual
        )
    }
}
