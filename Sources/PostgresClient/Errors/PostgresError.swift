import Foundation

/// Every failure of the Postgres client: a server error with its SQLSTATE and fields, or a
/// client-side failure (connection, protocol, decoding).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, at the level a caller decides on.
    public enum Kind: Sendable, Equatable {
        /// The server reported an error; `sqlState` says which.
        case server
        /// A connection could not be opened.
        case connectionFailed
        /// The connection broke while a call was in flight (server restart, network).
        case connectionLost
        /// The connection was closed by this process before the call.
        case connectionClosed
        /// The pool could not hand out a connection in time or was shut down.
        case poolExhausted
        case poolClosed
        /// The statement did not finish within its deadline; it was cancelled on the server.
        case timedOut
        /// The calling task was cancelled while the statement ran; it was cancelled on the server.
        case cancelled
        /// A value could not be decoded into the requested Swift type.
        case decoding
        /// The client used the API wrongly (e.g. COPY on a non-COPY statement).
        case misuse
    }

    public var kind: Kind
    /// The SQLSTATE code, for server errors (and for connection losses the server announced).
    public var sqlState: SQLState?
    /// The primary, human-readable message.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The name of the constraint involved, when the server names one.
    public var constraint: String?
    /// The server's severity (ERROR, FATAL, PANIC), for server errors.
    public var severity: String?

    public init(
        kind: Kind,
        sqlState: SQLState? = nil,
        message: String,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        severity: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.severity = severity
    }

    /// One line: the message, then the SQLSTATE, detail and hint when present.
    public var description: String {
        var line = message
        if let sqlState { line += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { line += ": \(detail)" }
        if let hint, !hint.isEmpty { line += " Hint: \(hint)" }
        return line.replacingOccurrences(of: "\n", with: " ")
    }

    /// Whether retrying the whole transaction may succeed (serialization failure, deadlock).
    public var isTransient: Bool {
        sqlState == .serializationFailure || sqlState == .deadlockDetected
    }

    /// Whether the database could not be reached or went away mid-call: the connection could not
    /// be opened or was lost, the server is shutting down, starting up or in recovery, or it
    /// refused more connections. The work did not happen (or, for a lost COMMIT, may have); the
    /// same work is worth retrying once the database is back, and an HTTP caller gets 503.
    public var isDatabaseUnavailable: Bool {
        switch kind {
        case .connectionFailed, .connectionLost:
            return true
        case .server:
            guard let sqlState else { return false }
            return sqlState.errorClass == "08" // connection exception
                || sqlState == .adminShutdown || sqlState == .crashShutdown || sqlState == .cannotConnectNow
                || sqlState == .tooManyConnections || sqlState == .readOnlySQLTransaction
        default:
            return false
        }
    }

    /// Whether the connection that raised this error can no longer be used.
    public var isConnectionFatal: Bool {
        switch kind {
        case .connectionLost, .connectionClosed, .connectionFailed: true
        default: false
        }
    }
}

extension PostgresError {
    public static func decoding(_ message: String) -> PostgresError {
        PostgresError(kind: .decoding, message: message)
    }

    public static func misuse(_ message: String) -> PostgresError {
        PostgresError(kind: .misuse, message: message)
    }
}
