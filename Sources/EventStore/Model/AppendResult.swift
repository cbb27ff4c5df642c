/// What an append wrote (or, for an idempotent re-append, had written the first time).
public struct AppendResult: Sendable, Hashable {
    /// The stream's version after the append: the version of its last event.
    public let streamVersion: Int64
    /// The global position of each appended event, in the order given.
    public let positions: [Int64]
}
