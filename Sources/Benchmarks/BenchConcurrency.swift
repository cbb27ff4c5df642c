/// Timed runs of one workload: many calls over concurrent clients, or one call after another.
/// The rate counts calls; the latency is per call.
enum BenchConcurrency {
    /// Runs `work` `total` times over `clients` tasks (client c takes the indices c, c + clients,
    /// …), and returns the measurement with every call's value, in no particular order.
    static func collecting<Value: Sendable>(
        total: Int, clients: Int, _ work: @escaping @Sendable (Int) async throws -> Value
    ) async throws -> (BenchMeasurement, [Value]) {
        let clock = ContinuousClock()
        let start = clock.now
        let (latencies, values) = try await withThrowingTaskGroup(of: ([Double], [Value]).self) { group in
            for client in 0..<clients {
                group.addTask {
                    var latencies: [Double] = []
                    var values: [Value] = []
                    for index in stride(from: client, to: total, by: clients) {
                        let began = clock.now
                        values.append(try await work(index))
                        latencies.append(BenchMeasurement.milliseconds(began.duration(to: clock.now)))
                    }
                    return (latencies, values)
                }
            }
            return try await group.reduce(into: ([Double](), [Value]())) {
                $0.0 += $1.0
                $0.1 += $1.1
            }
        }
        let measurement = BenchMeasurement(
            events: total, elapsed: start.duration(to: clock.now), latency: LatencySummary(milliseconds: latencies))
        return (measurement, values)
    }

    /// Runs `work` `total` times over `clients` tasks, as `collecting` does, keeping only the
    /// measurement.
    static func concurrently(
        total: Int, clients: Int, _ work: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> BenchMeasurement {
        try await collecting(total: total, clients: clients, work).0
    }

    /// Runs `work` `count` times, one call after another.
    static func sequentially(count: Int, _ work: (Int) async throws -> Void) async throws -> BenchMeasurement {
        let clock = ContinuousClock()
        let start = clock.now
        var latencies: [Double] = []
        for index in 0..<count {
            let began = clock.now
            try await work(index)
            latencies.append(BenchMeasurement.milliseconds(began.duration(to: clock.now)))
        }
        return BenchMeasurement(events: count, elapsed: start.duration(to: clock.now), latency: LatencySummary(milliseconds: latencies))
    }
}
