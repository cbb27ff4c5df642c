/// A SQL statement whose interpolated values travel as bind parameters, never as SQL text.
///
/// ```swift
/// let query: PostgresQuery = "SELECT version FROM tenantry.streams WHERE stream_name = \(name)"
/// // sends: SELECT version FROM tenantry.streams WHERE stream_name = $1, with [name]
/// ```
///
/// Identifiers (a database or role name, which SQL cannot bind) go through
/// `\(identifier: name)`, which quotes them; such a statement is not cached as prepared.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The SQL text with `$1…$n` placeholders.
    public private(set) var sql: String
    /// The parameters, in text format; `nil` is SQL NULL.
    public private(set) var bindings: [String?]
    /// Whether the statement may be prepared once per connection and reused by its text.
    public private(set) var isCacheable: Bool

    public init(unsafeSQL sql: String, bindings: [String?] = []) {
        self.sql = sql
        self.bindings = bindings
        self.isCacheable = true
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.bindings = stringInterpolation.bindings
        self.isCacheable = stringInterpolation.isCacheable
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var bindings: [String?] = []
        var isCacheable = true

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// A value: becomes the next `$n` placeholder.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            bindings.append(value.postgresText)
            sql += "$\(bindings.count)"
        }

        /// An optional value: `nil` binds SQL NULL.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            bindings.append(value?.postgresText)
            sql += "$\(bindings.count)"
        }

        /// A constant piece of SQL text, such as a column list shared by several statements.
        /// Only compile-time constants are accepted, so no value can reach the SQL this way.
        public mutating func appendInterpolation(literalSQL fragment: StaticString) {
            sql += fragment.description
        }

        /// An identifier (table, role, database, channel name), quoted as SQL requires.
        public mutating func appendInterpolation(identifier: String) {
            sql += quoteIdentifier(identifier)
            isCacheable = false
        }
    }
}

/// Quotes an SQL identifier: wraps it in double quotes and doubles any inside.
public func quoteIdentifier(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

import Foundation
