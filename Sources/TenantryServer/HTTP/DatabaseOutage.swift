import EventStore
import PostgresClient

/// Which failures mean "the database is away", answered with 503 and `Retry-After` instead of
/// 500: the database could not be reached or went away mid-request (see
/// `PostgresError.isDatabaseUnavailable`), no pooled connection came free in time, or a
/// statement ran past its deadline, or the tenant's data is moving between cells (its writes are
/// fenced for a moment). Each is a state of the system, not a fault of the request
/// or of the code, and each passes by itself.
enum DatabaseOutage {
    static func explains(_ error: any Error) -> Bool {
        reason(for: error) != nil
    }

    /// What the client is told, or nil when `error` is no outage.
    static func reason(for error: any Error) -> String? {
        if case EventStoreError.tenantMoving? = error as? EventStoreError {
            return "the tenant's data is moving to another cell"
        }
        guard let postgres = PostgresError(underlying: error) else { return nil }
        if postgres.isDatabaseUnavailable { return "the database is not reachable right now" }
        switch postgres.kind {
        case .poolExhausted: return "every database connection is busy"
        case .timedOut: return "the database did not answer in time"
        default: return nil
        }
    }
}
