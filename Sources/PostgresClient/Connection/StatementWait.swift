/// The limits on waiting for one statement's answer: its deadline, whether its task's
/// cancellation applies, and, once it was cancelled on the server, why.
struct StatementWait {
    /// Why a statement was cancelled on the server.
    enum Cancellation: Equatable {
        case deadline
        case task
    }

    let deadline: ContinuousClock.Instant
    let honorsCancellation: Bool
    var cancellation: Cancellation?

    init(deadline: ContinuousClock.Instant, honorsCancellation: Bool) {
        self.deadline = deadline
        self.honorsCancellation = honorsCancellation
    }

    /// Why the statement should be cancelled now, if it should: its task was cancelled (when
    /// that applies) or its deadline passed.
    func cancellationDue(at now: ContinuousClock.Instant) -> Cancellation? {
        if honorsCancellation && Task.isCancelled { return .task }
        if now >= deadline { return .deadline }
        return nil
    }
}
