/// A token bucket: holds up to `capacity` tokens, refills at `rate` tokens per second, and each
/// admitted call takes one. A plain value: its owner serialises access.
struct TokenBucket: Sendable {
    let capacity: Double
    let rate: Double
    private(set) var tokens: Double
    private(set) var updatedAt: ContinuousClock.Instant

    init(capacity: Int, rate: Double, now: ContinuousClock.Instant) {
        self.capacity = Double(capacity)
        self.rate = rate
        self.tokens = Double(capacity)
        self.updatedAt = now
    }

    /// Takes a token if one is there; otherwise says how long until one will be.
    mutating func take(now: ContinuousClock.Instant) -> Result<Void, WaitTime> {
        let elapsed = updatedAt.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + max(0, seconds) * rate)
        updatedAt = now
        guard tokens >= 1 else { return .failure(WaitTime(seconds: (1 - tokens) / rate)) }
        tokens -= 1
        return .success(())
    }

    /// Whether the bucket is full again, i.e. forgetting it changes nothing.
    func isFull(at now: ContinuousClock.Instant) -> Bool {
        let elapsed = updatedAt.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return tokens + seconds * rate >= capacity
    }

    struct WaitTime: Error {
        let seconds: Double
    }
}
