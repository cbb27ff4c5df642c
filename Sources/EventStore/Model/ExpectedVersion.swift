/// What an append expects of its stream, checked under the stream's lock.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must have at least one event.
    case streamExists
    /// The stream's last version must be exactly this (0 means it does not exist).
    case exact(Int64)

    /// The `expected_version` argument of `tenantry.append_events`.
    public var sqlValue: Int64? {
        switch self {
        case .any: nil
        case .noStream: -1
        case .streamExists: -2
        case .exact(let version): version
        }
    }

    public init(sqlValue: Int64?) {
        switch sqlValue {
        case nil: self = .any
        case -1: self = .noStream
        case -2: self = .streamExists
        case let version?: self = .exact(version)
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .streamExists: "stream exists"
        case .exact(let version): String(version)
        }
    }
}
