/// The outcome of one named invariant of the event store, as `EventLog.verifyContract()` (and
/// `tenantry events verify`) reports it.
public struct ContractCheck: Sendable, Hashable, CustomStringConvertible {
    /// A short stable name, e.g. `stream-versions`.
    public let name: String
    /// What the invariant promises, in one sentence.
    public let promise: String
    /// Why it does not hold (how many rows break it and the first of them), or nil when it holds.
    public let failure: String?

    /// A check's outcome; `failure` nil means it holds.
    public init(name: String, promise: String, failure: String?) {
        self.name = name
        self.promise = promise
        self.failure = failure
    }

    /// Whether the invariant holds.
    public var passed: Bool { failure == nil }

    /// One line: `ok   name: promise`, or `FAIL name: failure`.
    public var description: String {
        if let failure { return "FAIL \(name): \(failure)" }
        return "ok   \(name): \(promise)"
    }
}
