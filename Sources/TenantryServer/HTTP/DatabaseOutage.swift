import EventStore
import PostgresClient

/// Which failures mean "the database is away", answered with 503 and `Retry-After` instead of
/// 500: the database could not be reached or went away mid-request (see
/// `PostgresError.isDatabaseUnavailable`), no pooled connection came free in time, or a
/// statement ran past its deadline. Each is a state of the system, not a fault of the request
/// or of the code, and each passes by itself.
enum DatabaseOutage {
    static func explains(_ error: any Error) -> Bool {
        guard let postgres = PostgresError(underlying: error) else { return false }
        return postgres.isDatabaseUnavailable || postgres.kind == .poolExhausted || postgres.kind == .timedOut
    }
}
