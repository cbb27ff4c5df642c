/// The median and 99th percentile of a set of per-call latencies, in milliseconds.
public struct LatencySummary: Sendable {
    public let count: Int
    public let p50: Double
    public let p99: Double

    /// `nil` when there are no samples: a summary of nothing would print as a measured zero.
    init?(milliseconds samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Self.percentile(50, ofSorted: sorted)
        p99 = Self.percentile(99, ofSorted: sorted)
    }

    /// Percentiles measured elsewhere (e.g. by wrk).
    init(count: Int, p50: Double, p99: Double) {
        self.count = count
        self.p50 = p50
        self.p99 = p99
    }

    /// Nearest rank, without interpolation, so every figure reported is a latency that was
    /// actually observed, and the Tenantry and pgbench figures are computed the same way.
    static func percentile(_ percent: Double, ofSorted sorted: [Double]) -> Double {
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
