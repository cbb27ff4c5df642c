/// One side of one workload: how many events, how fast, and (where there are calls to time)
/// the latency per call.
public struct BenchMeasurement: Sendable {
    public let events: Int
    public let eventsPerSecond: Double
    public let latency: LatencySummary?

    /// Events over the wall-clock time they took.
    init(events: Int, elapsed: Duration, latency: LatencySummary? = nil) {
        self.events = events
        let seconds = Self.seconds(elapsed)
        eventsPerSecond = seconds > 0 ? Double(events) / seconds : 0
        self.latency = latency
    }

    /// A rate measured elsewhere, e.g. pgbench's tps, which excludes its connection time.
    init(events: Int, eventsPerSecond: Double, latency: LatencySummary?) {
        self.events = events
        self.eventsPerSecond = eventsPerSecond
        self.latency = latency
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Double {
        seconds(duration) * 1000
    }
}
