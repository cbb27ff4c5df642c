import EventStore
import FeatureFlags
import Foundation
import Logging
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenantry
@testable import TenantryServer
import TestSupport
import Testing

@Suite("Readiness and metrics")
struct ObservabilityTests {
    @Test("/readyz is 200 with each check when ready, and 503 naming the migration when the schema is behind")
    func readiness() async throws {
        try await withTestServer { server in
            let ready = try await server.client.send(.GET, "/readyz")
            #expect(ready.status == 200, "\(ready.text)")
            let checks = try #require(ready.jsonObject?["checks"] as? [String: [String: Any]])
            #expect(Set(checks.keys) == [
                "database", "migrations", "flag-catalog", "tenant-directory", "admin-tokens", "provisioning-saga", "tenant-registry",
            ])
            #expect(checks.values.allSatisfy { $0["ok"] as? Bool == true })

            // As if this release were newer than the schema: one migration not applied.
            try await PostgresConnection.withConnection(server.runtime.target.administratorConfiguration) { connection in
                try await connection.query("DELETE FROM tenantry.schema_migrations WHERE version = (SELECT max(version) FROM tenantry.schema_migrations)")
            }
            let behind = try await server.client.send(.GET, "/readyz")
            #expect(behind.status == 503)
            let migrations = (behind.jsonObject?["checks"] as? [String: [String: Any]])?["migrations"]
            #expect(migrations?["ok"] as? Bool == false)
            #expect((migrations?["detail"] as? String)?.contains("tenantry migrate") == true)
        }
    }

    @Test("/readyz fails a live view more than the allowed lag behind the feed, and passes again once it caught up")
    func readinessFollowsLiveViewLag() async throws {
        try await withTestServer { server in
            // Views over the same database that no service keeps current: they fall behind as
            // events are appended, as a stuck subscription would.
            let stale = LiveViews.live(store: server.runtime.operatorEventStore)
            try await stale.catchUp()
            let readiness = Self.readiness(server.runtime, stale)
            // The server's own provisioning runner records the saga's checkpoint for the tenants
            // created before it started.
            try await waitUntil("every readiness check passes") { Self.failing(await readiness.run()).isEmpty }

            for index in 1...3 {
                try await server.define(Flag(key: FlagKey("lagging-\(index)"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            }
            // Another test's open transaction may hold the feed back a moment (xmin is
            // cluster-wide): wait until the definitions are deliverable.
            var behind: [ReadinessCheck] = []
            try await waitUntil("the flag catalog is behind") {
                behind = await readiness.run()
                return Self.failing(behind).contains("flag-catalog")
            }
            #expect(Self.detail(of: "flag-catalog", in: behind) == "more than 2 events behind the feed for more than 0 s")

            // Caught up with what the feed delivers by the time readiness looks (it may deliver
            // more after a catch-up that an older transaction held back).
            var caughtUp: [ReadinessCheck] = []
            try await waitUntil("the flag catalog has caught up") {
                try await stale.catchUp()
                caughtUp = await readiness.run()
                return Self.detail(of: "flag-catalog", in: caughtUp) == "caught up"
            }
            #expect(Self.failing(caughtUp) == [])
        }
    }

    @Test("a view over the lag limit counts as catching up within the grace, and readiness does not fail on it")
    func readinessToleratesCatchingUp() async throws {
        try await withTestServer { server in
            let stale = LiveViews.live(store: server.runtime.operatorEventStore)
            try await stale.catchUp()
            let readiness = Self.readiness(server.runtime, stale, grace: .seconds(3600))
            try await waitUntil("every readiness check passes") { Self.failing(await readiness.run()).isEmpty }
            for index in 1...3 {
                try await server.define(Flag(key: FlagKey("backlog-\(index)"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            }
            // As after a database restart: the view has a backlog over the limit and reads it.
            // Another test's open transaction may hold the feed back a moment: wait until the
            // definitions are deliverable.
            var behind: [ReadinessCheck] = []
            try await waitUntil("the flag catalog has a backlog") {
                behind = await readiness.run()
                return Self.detail(of: "flag-catalog", in: behind)?.hasPrefix("catching up: more than 2 events behind") == true
            }
            #expect(Self.failing(behind) == [])
            try await waitUntil("the flag catalog has caught up") {
                try await stale.catchUp()
                return Self.detail(of: "flag-catalog", in: await readiness.run()) == "caught up"
            }
        }
    }

    @Test("the lag watch measures how long a subscription stays over the limit, from the first time it is seen over")
    func lagWatchTimesTheStretchOverTheLimit() {
        let watch = LagWatch(grace: .seconds(30))
        let start = ContinuousClock.now
        #expect(watch.observe("flag-catalog", isOver: true, at: start) == .zero)
        #expect(watch.observe("flag-catalog", isOver: true, at: start + .seconds(10)) == .seconds(10))
        #expect(watch.observe("tenant-directory", isOver: true, at: start + .seconds(10)) == .zero)
        // Back within the limit: the next stretch over it starts from zero.
        #expect(watch.observe("flag-catalog", isOver: false, at: start + .seconds(11)) == .zero)
        #expect(watch.observe("flag-catalog", isOver: true, at: start + .seconds(40)) == .zero)
        // The database went away (nothing measured): every stretch starts again.
        watch.reset()
        #expect(watch.observe("tenant-directory", isOver: true, at: start + .seconds(50)) == .zero)
    }

    @Test("/readyz fails while the provisioning saga's checkpoint is behind the tenant events, and passes once it ran")
    func readinessFollowsSagaCheckpoint() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let views = LiveViews.live(store: runtime.operatorEventStore)
            let readiness = Self.readiness(runtime, views)
            // A signup provisions in its own run; the runner that follows the feed (and stores
            // the checkpoint) has not run yet.
            _ = try await runtime.tenants.create(
                SignupRequest(email: "owner@readiness.example", organization: "Saga Lag \(UUID().uuidString.prefix(6))"), actor: "test:readiness"
            )
            // A server's registry worker folds the signup; here the test does. Another test's
            // open transaction may hold the feed back a moment: wait until the signup is
            // deliverable.
            var behind: [ReadinessCheck] = []
            try await waitUntil("only the saga is behind") {
                try await runtime.tenants.registry.catchUpWithCommittedWrites()
                try await views.catchUp()
                behind = await readiness.run()
                return Self.failing(behind) == ["provisioning-saga"]
            }
            #expect(Self.detail(of: "provisioning-saga", in: behind) == "more than 2 events behind the feed for more than 0 s")

            try await waitUntil("the saga has run and every check passes") {
                try await ProvisioningProcessManager(saga: runtime.tenants.saga).runPending()
                return Self.failing(await readiness.run()) == []
            }
        }
    }

    @Test("/readyz fails while the tenant registry is behind the tenant events beyond the grace, and passes once it caught up")
    func readinessFollowsRegistryCheckpoint() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let views = LiveViews.live(store: runtime.operatorEventStore)
            let tenant = try await runtime.tenants.create(
                SignupRequest(email: "owner@readiness.example", organization: "Registry Lag \(UUID().uuidString.prefix(6))"), actor: "test:readiness"
            ).tenant
            try await waitUntil("the signup is provisioned and every check passes") {
                try await ProvisioningProcessManager(saga: runtime.tenants.saga).runPending()
                try await views.catchUp()
                return Self.failing(await Self.readiness(runtime, views).run()) == []
            }

            // Tenant events nothing folded into the registry yet (the service alone does not
            // catch it up); the saga's checkpoint is moved past them, so only the registry lags.
            for n in 1...3 {
                _ = try await runtime.tenants.lifecycle.changeAttributes(tenant.id, set: ["n": .number(Double(n))], remove: [], actor: "test")
            }
            // Another test's open transaction may hold the feed back a moment (xmin is
            // cluster-wide): wait until the changes are deliverable.
            var behind: [ReadinessCheck] = []
            try await waitUntil("only the registry is behind") {
                let end = try await runtime.operatorEventStore.currentEnd()
                try await CheckpointStore(pool: runtime.operatorPool).save(ProvisioningProcessManager.checkpointName, end)
                try await views.catchUp()
                behind = await Self.readiness(runtime, views).run()
                return Self.failing(behind) == ["tenant-registry"]
            }
            #expect(Self.detail(of: "tenant-registry", in: behind) == "more than 2 events behind the feed for more than 0 s")
            // Within the grace it counts as catching up. The feed's horizon may step back for a
            // moment (a transaction of another database that ended between the snapshot and the
            // look at the backends counts as a horizon), hiding the changes again: measure until
            // they are deliverable.
            var tolerated: [ReadinessCheck] = []
            try await waitUntil("the registry counts as catching up within the grace") {
                tolerated = await Self.readiness(runtime, views, grace: .seconds(3600)).run()
                return Self.detail(of: "tenant-registry", in: tolerated)?.hasPrefix("catching up") == true
            }
            #expect(Self.failing(tolerated) == [])

            var caughtUp: [ReadinessCheck] = []
            try await waitUntil("the registry has caught up") {
                try await runtime.tenants.registry.catchUpWithCommittedWrites()
                caughtUp = await Self.readiness(runtime, views).run()
                return Self.detail(of: "tenant-registry", in: caughtUp) == "caught up"
            }
            #expect(Self.failing(caughtUp) == [])
        }
    }

    @Test("/readyz says only \"unreachable\" of a database error, never the error's text")
    func readinessHidesDatabaseErrors() async throws {
        try await withTestRuntime { _, database async throws in
            // A runtime whose pools are closed: every query fails with the pool's own error.
            let closed = try await TenantryRuntime.start(target: .external(url: database.administratorConnectionString))
            let views = LiveViews.live(store: closed.operatorEventStore)
            try await views.catchUp()
            await closed.shutdown()
            let checks = await Self.readiness(closed, views).run()
            #expect(Self.detail(of: "database", in: checks) == "unreachable")
            #expect(Self.failing(checks) == ["database"] + SubscriptionLag.names)
            #expect(!checks.map(\.detail).joined().localizedCaseInsensitiveContains("pool"))
        }
    }

    /// Readiness over `views` allowing a lag of two events (for `grace`, no time by default),
    /// logging only critical messages.
    static func readiness(_ runtime: TenantryRuntime, _ views: LiveViews, grace: Duration = .zero) -> ReadinessChecks {
        var logger = Logger(label: "tenantry.readiness.test")
        logger.logLevel = .critical
        return ReadinessChecks(runtime: runtime, views: views, maximumLag: 2, lagWatch: LagWatch(grace: grace), logger: logger)
    }

    /// The names of the checks that failed, in order.
    static func failing(_ checks: [ReadinessCheck]) -> [String] {
        checks.filter { !$0.passed }.map(\.name)
    }

    static func detail(of name: String, in checks: [ReadinessCheck]) -> String? {
        checks.first { $0.name == name }?.detail
    }

    @Test("/metrics is Prometheus text with requests by route template and status, appends and live-view lag; no tenant ids")
    func metrics() async throws {
        try await withTestServer { server in
            _ = try await server.client.send(.GET, "/healthz")
            // An append while the server (and so the metrics backend) runs.
            try await server.define(Flag(key: FlagKey("metered"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            _ = try await server.client.post("/ofrep/v1/evaluate/flags/missing-\(UUID().uuidString.prefix(8))", json: #"{"context":{}}"#, apiKey: server.apiKey)
            _ = try await server.client.send(.GET, "/no/such/route/\(UUID().uuidString)")
            let response = try await server.client.send(.GET, "/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            #expect(text.contains(#"hb_requests{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}"#))
            #expect(text.contains(#"http_route="/ofrep/v1/evaluate/flags/{key}""#))
            #expect(text.contains("http_server_request_duration"))
            #expect(text.contains("tenantry_events_appended_total"))
            #expect(text.contains(#"tenantry_flag_evaluations_total{outcome="FLAG_NOT_FOUND"}"#))
            #expect(text.contains(#"tenantry_live_view_behind_events{view="flag-catalog"}"#))
            #expect(text.contains("tenantry_provisioning_saga_behind_events"))
            // Bounded labels: no tenant id, no raw path of an unknown route, no flag key from a URL.
            #expect(!text.contains(server.tenant.id.uuidString.lowercased()))
            #expect(!text.contains("/no/such/route"))
            #expect(!text.contains("missing-"))
        }
    }
}
