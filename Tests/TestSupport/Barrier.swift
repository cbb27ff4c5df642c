/// Holds each arriving task until `parties` have arrived, once; later arrivals pass at once.
/// Counts every arrival, so a test can tell how often the guarded point was reached.
///
/// A party that never comes (its task failed first) must fail the test, not hang it: every
/// waiter gives up at its deadline with `TimedOut`. The deadline is the one a test waits for
/// any condition with (`Duration.conditionDeadline`): a party held here while its test waits
/// for something else must not give up first on a busy machine.
public actor Barrier {
    public let parties: Int
    public private(set) var arrivals = 0
    private var waiting: [Int: CheckedContinuation<Void, any Error>] = [:]

    public init(parties: Int) {
        self.parties = parties
    }

    public func arrive(timeout: Duration = .conditionDeadline) async throws {
        arrivals += 1
        let arrival = arrivals
        guard arrival <= parties else { return }
        if arrival == parties {
            for continuation in waiting.values { continuation.resume() }
            waiting = [:]
            return
        }
        let expiry = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.expire(arrival, after: timeout)
        }
        defer { expiry.cancel() }
        try await withCheckedThrowingContinuation { waiting[arrival] = $0 }
    }

    private func expire(_ arrival: Int, after timeout: Duration) {
        waiting.removeValue(forKey: arrival)?.resume(
            throwing: TimedOut(description: "\(parties) parties at the barrier (\(arrivals) arrived)", timeout: timeout)
        )
    }
}
