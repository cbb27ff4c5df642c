public import PostgresClient

extension PostgresError {
    /// The database error behind `error`: the error itself, or the one the event store wrapped
    /// (`EventStoreError.database`); nil for every other error. Lets a caller ask one question,
    /// such as `isDatabaseUnavailable`, of whatever a lower layer threw.
    public init?(underlying error: any Error) {
        switch error {
        case let postgres as PostgresError:
            self = postgres
        case EventStoreError.database(let postgres):
            self = postgres
        default:
            return nil
        }
    }
}
