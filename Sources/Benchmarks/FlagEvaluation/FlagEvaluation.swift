import Benchmark
import Benchmarks
import FeatureFlags

/// Flag evaluation in memory, under ordo-one/benchmark (`swift package benchmark`, run by
/// `make bench`): the catalog of `tenantry bench flags` (1,000 flags with 5 rules, a rollout,
/// an entitlement and overrides each, 10,000 tenants), one evaluation per iteration, with the
/// allocations and instructions per evaluation the benchmark package measures beside the time.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions], maxDuration: .seconds(5))

    let tenants = FlagWorkloads.tenants(10_000)
    // A catalog that cannot be built is a broken benchmark: nothing to measure.
    guard let catalog = try? FlagWorkloads.syntheticCatalog(flags: 1000, rulesPerFlag: 5, tenants: tenants, overrideEvery: 10) else {
        fatalError("the synthetic flag catalog did not validate")
    }
    let evaluator = FlagEvaluator(catalog: catalog)
    let keys = catalog.activeFlags.map(\.key.rawValue)
    let contexts = (0..<1000).map { FlagWorkloads.context(for: tenants[($0 * 7919) % tenants.count], index: $0) }

    Benchmark("evaluate one flag") { benchmark in
        for iteration in benchmark.scaledIterations {
            blackHole(evaluator.evaluate(keys[iteration % keys.count], context: contexts[iteration % contexts.count]))
        }
    }

    Benchmark("evaluate all flags (bulk)") { benchmark in
        for iteration in benchmark.scaledIterations {
            blackHole(evaluator.evaluateAll(context: contexts[iteration % contexts.count]))
        }
    }
}
