/// A message sent with `NOTIFY channel, 'payload'` (or `pg_notify`), delivered at commit.
public struct PostgresNotification: Sendable, Hashable {
    public let channel: String
    public let payload: String
    /// The process id of the server backend that sent it.
    public let senderProcessID: Int32
}
