/// A PostgreSQL SQLSTATE error code, such as `23505` (unique violation).
///
/// Callers switch on the code, never on message text.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// The two-character class, e.g. `23` for integrity constraint violations.
    public var errorClass: Substring { rawValue.prefix(2) }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let checkViolation = SQLState("23514")
    public static let notNullViolation = SQLState("23502")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let insufficientPrivilege = SQLState("42501")
    public static let undefinedTable = SQLState("42P01")
    public static let undefinedFunction = SQLState("42883")
    public static let invalidSchemaName = SQLState("3F000")
    public static let duplicateDatabase = SQLState("42P04")
    public static let duplicateObject = SQLState("42710")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let invalidParameterValue = SQLState("22023")
    public static let programLimitExceeded = SQLState("54000")
    public static let adminShutdown = SQLState("57P01")
    public static let crashShutdown = SQLState("57P02")
    public static let cannotConnectNow = SQLState("57P03")
    public static let queryCanceled = SQLState("57014")
    public static let tooManyConnections = SQLState("53300")
    /// A write reached a standby (after a failover, before the URL follows the new leader).
    public static let readOnlySQLTransaction = SQLState("25006")
    public static let raiseException = SQLState("P0001")
    public static let objectInUse = SQLState("55006")
    public static let invalidCatalogName = SQLState("3D000")
}
