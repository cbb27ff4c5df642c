public import PostgresClient

/// A read model folded from events, kept in PostgreSQL next to its checkpoint.
///
/// `apply` runs inside the transaction that also stores the checkpoint, so a projection sees
/// each event exactly once even across crashes and restarts.
///
/// ```swift
/// struct AccountBalances: Projection {
///     let name = "account-balances"
///     let filter = EventFilter(categories: ["account"])
///     func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws { … }
///     func reset(in connection: PostgresConnection) async throws {
///         try await connection.query("DELETE FROM app.account_balances")
///     }
/// }
/// ```
public protocol Projection: Sendable {
    /// Unique; names the checkpoint.
    var name: String { get }
    /// Which events it folds.
    var filter: EventFilter { get }
    /// Folds a batch of events into the read model.
    func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws
    /// Empties the read model before a rebuild from the first event.
    func reset(in connection: PostgresConnection) async throws
}
