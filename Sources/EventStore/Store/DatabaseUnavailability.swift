public import PostgresClient

/// Tells "the database is away" (a lost or refused connection, a restart, a failover) from
/// every other failure, looking through the wrappers the layers above the client put around a
/// `PostgresError` (`EventStoreError.database`).
///
/// Work that failed that way did not happen (or, for a lost COMMIT, may have): it is worth
/// doing again once the database is back, and it says nothing about the work itself.
public enum DatabaseUnavailability {
    /// Whether `error` (or the `PostgresError` it wraps) says the database is unavailable; see
    /// `PostgresError.isDatabaseUnavailable`.
    public static func isUnavailable(_ error: any Error) -> Bool {
        underlyingPostgresError(error)?.isDatabaseUnavailable ?? false
    }

    /// The `PostgresError` behind `error`, if there is one.
    public static func underlyingPostgresError(_ error: any Error) -> PostgresError? {
        switch error {
        case let error as PostgresError: error
        case EventStoreError.database(let underlying): underlying
        default: nil
        }
    }
}
