import EventStore
import FeatureFlags
import Foundation
import PostgresClient

/// The workloads of `bench flags` that need no HTTP: evaluation in memory and propagation of a
/// change from its append to a live catalog, each next to its floor.
enum FlagWorkloads {
    /// A catalog like a large customer's: `flags` flags, each with `rulesPerFlag` rules over
    /// tenant and caller attributes, a 30 % rollout, a plan entitlement, and an override for
    /// every `overrideEvery`-th tenant.
    static func syntheticCatalog(
        flags: Int, rulesPerFlag: Int, tenants: [TenantAttributes], overrideEvery: Int, keyPrefix: String = "bench-flag-"
    ) throws -> FlagCatalog {
        var generated: [Flag] = []
        generated.reserveCapacity(flags)
        for index in 0..<flags {
            let key = try FlagKey("\(keyPrefix)\(index)")
            var rules: [TargetingRule] = []
            for ruleIndex in 0..<rulesPerFlag {
                let condition: Condition = switch ruleIndex % 5 {
                case 0: .compare(attribute: "country", operator: .in, value: .array(["NZ", "IS", "UY"]))
                case 1: .compare(attribute: "email", operator: .endsWith, value: .string("@bench-\(index).example"))
                case 2: .all([
                    .compare(attribute: "tenant.plan", operator: .equals, value: "enterprise"),
                    .compare(attribute: "seats", operator: .greaterThan, value: 5000),
                ])
                case 3: .compare(attribute: "appVersion", operator: .semverLessThan, value: "1.0.0")
                default: .any([
                    .compare(attribute: "tenant.slug", operator: .startsWith, value: .string("zz-\(index)")),
                    .compare(attribute: "beta", operator: .equals, value: true),
                ])
                }
                rules.append(TargetingRule(name: "r\(ruleIndex + 1)", condition: condition, variant: "on"))
            }
            var overrides = TenantOverrides()
            for (position, tenant) in tenants.enumerated() where (position + index) % overrideEvery == 0 {
                overrides[tenant.id] = position % 2 == 0 ? "on" : "off"
            }
            let flag = Flag(
                key: key, type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                overrides: overrides, rules: rules, rollout: .percentage(30, of: "on"), entitlements: ["pro": "on"]
            )
            try flag.validate()
            generated.append(flag)
        }
        return FlagCatalog(flags: generated)
    }

    /// `count` pooled, active tenants, their plans in turn free, trial, pro and enterprise.
    static func tenants(_ count: Int) -> [TenantAttributes] {
        let plans = ["free", "trial", "pro", "enterprise"]
        return (0..<count).map { index in
            TenantAttributes(
                id: UUID(), slug: "tenant-\(index)", plan: plans[index % plans.count], state: "active",
                isolation: "pooled", createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
            )
        }
    }

    /// The caller attributes of one request: a user's country, email, app version, seats.
    static func context(for tenant: TenantAttributes, index: Int) -> EvaluationContext {
        EvaluationContext(
            tenant: tenant,
            attributes: [
                "country": .string(["DE", "FR", "US", "JP"][index % 4]),
                "email": .string("user\(index)@customer.example"),
                "appVersion": .string("2.\(index % 10).0"),
                "seats": .integer(Int64(index % 100)),
            ]
        )
    }

    /// How many distinct contexts the in-memory evaluation goes through.
    static let contextsInFlight = 1_000

    /// `count` evaluations of random flags for random tenants with realistic contexts, on one
    /// thread; and the floor, a dictionary lookup of the flag and of the tenant's override.
    static func measureEvaluation(
        catalog: FlagCatalog, tenants: [TenantAttributes], count: Int
    ) -> (evaluator: BenchMeasurement, lookups: BenchMeasurement, checksum: Int) {
        var generator = SystemRandomNumberGenerator()
        let keys = catalog.activeFlags.map(\.key.rawValue)
        // A server evaluates a context it has just decoded from a request, so the contexts are
        // few enough to stay in cache (as the requests in flight); the flags and the overrides
        // they meet are spread over the whole catalog and are not.
        let contexts = (0..<min(count, Self.contextsInFlight)).map { context(for: tenants[Int.random(in: 0..<tenants.count, using: &generator)], index: $0) }
        let picks = (0..<count).map { _ in (Int.random(in: 0..<keys.count, using: &generator), Int.random(in: 0..<contexts.count, using: &generator)) }

        let evaluator = FlagEvaluator(catalog: catalog)
        var served = 0
        let clock = ContinuousClock()
        let evaluated = clock.measure {
            for (key, context) in picks where evaluator.evaluate(keys[key], context: contexts[context]).variant == "on" {
                served += 1
            }
        }
        // The least any flag system does per call: find the flag, look up the tenant (whose id
        // is read beforehand, so that only the two lookups are timed).
        let tenantIDs = contexts.map { $0.tenant?.id ?? UUID() }
        var found = 0
        let looked = clock.measure {
            for (key, context) in picks where catalog.override(keys[key], tenant: tenantIDs[context]) != nil {
                found += 1
            }
        }
        return (BenchMeasurement(events: count, elapsed: evaluated), BenchMeasurement(events: count, elapsed: looked), served &+ found)
    }

    /// Per change: the time from starting the append of an override to the live catalog
    /// (woken by the feed-tip watcher) serving it. Sequential, so rate = 1 / latency.
    static func measurePropagation(flags: FlagService, live: LiveView<FlagCatalog>, changes: Int) async throws -> BenchMeasurement {
        let key = try FlagKey("bench-propagation")
        try await flags.define(
            Flag(key: key, type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off"),
            by: FlagService.Change(actor: "bench")
        )
        var samples: [Double] = []
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<changes {
            let tenant = UUID()
            let variant = index % 2 == 0 ? "on" : "off"
            let start = clock.now
            try await flags.setOverride(key, tenant: tenant, variant: variant, by: FlagService.Change(actor: "bench"))
            // The feed delivers a change once no older transaction in the cluster is open: on a
            // busy cluster (migrations elsewhere) that can take long; the latency shows it.
            let seen = await live.waitUntil(timeout: .seconds(120)) { $0.anyFlag(key.rawValue)?.overrides[tenant] == variant }
            guard seen else { throw BenchError("a flag change did not reach the live catalog within 120 s") }
            samples.append(BenchMeasurement.milliseconds(clock.now - start))
        }
        return BenchMeasurement(events: changes, elapsed: clock.now - started, latency: LatencySummary(milliseconds: samples))
    }

    /// The floor of any notification-driven propagation: `pg_notify` committed on one connection, to
    /// its delivery on a listening one.
    static func measureNotifyRoundTrip(configuration: PostgresConfiguration, count: Int) async throws -> BenchMeasurement {
        let listener = try await PostgresConnection.connect(configuration)
        let sender = try await PostgresConnection.connect(configuration)
        defer {
            Task {
                await listener.close()
                await sender.close()
            }
        }
        try await listener.listen("tenantry_bench_propagation")
        var samples: [Double] = []
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<count {
            let payload = String(index)
            let start = clock.now
            try await sender.query(BenchStatements.notify(payload))
            var received = false
            while !received {
                let notifications = try await listener.notifications(timeout: .seconds(10))
                guard !notifications.isEmpty else { throw BenchError("a notification did not arrive within 10 s") }
                received = notifications.contains { $0.payload == payload }
            }
            samples.append(BenchMeasurement.milliseconds(clock.now - start))
        }
        return BenchMeasurement(events: count, elapsed: clock.now - started, latency: LatencySummary(milliseconds: samples))
    }
}
