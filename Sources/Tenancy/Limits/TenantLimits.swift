/// What one tenant may write, so that a noisy neighbour cannot crowd the others out.
public struct TenantLimits: Sendable, Hashable {
    /// The most events one append may carry.
    public var maximumEventsPerAppend: Int
    /// The sustained rate of appends per second (the token bucket's refill rate).
    public var appendsPerSecond: Double
    /// How many appends may come at once above the sustained rate (the bucket's size).
    public var burst: Int

    public init(maximumEventsPerAppend: Int, appendsPerSecond: Double, burst: Int) {
        precondition(maximumEventsPerAppend > 0 && appendsPerSecond > 0 && burst > 0, "limits must be positive")
        self.maximumEventsPerAppend = maximumEventsPerAppend
        self.appendsPerSecond = appendsPerSecond
        self.burst = burst
    }

    /// The limits of a tenant nobody configured otherwise.
    public static let standard = TenantLimits(maximumEventsPerAppend: 1000, appendsPerSecond: 100, burst: 200)
}
