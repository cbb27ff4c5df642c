import EventStore
import Foundation
import PostgresClient
import Schema
import Provisioning
import Tenancy
public import Tenantry

/// `tenantry bench provisioning`: how fast tenants go from signup to active, each figure next
/// to a reference measured in the same run on the same server.
public struct ProvisioningBenchmark: Sendable {
    public var tenants: Int
    public var clients: Int
    public var dedicated: Int

    public init(tenants: Int = 200, clients: Int = 8, dedicated: Int = 3) {
        self.tenants = tenants
        self.clients = clients
        self.dedicated = dedicated
    }

    /// The appends one pooled signup makes: slug claim, registration, signup record, and one
    /// per provisioning step (the API key and trial ride along with theirs).
    static let appendsPerPooledSignup = 7

    /// Runs the benchmark on a fresh database of `target`'s server; the header and the report go
    /// to `console`.
    public func run(on target: DatabaseTarget, console: any BenchmarkConsole) async throws {
        let report = try await BenchDatabase.withFresh(on: target) { database, _ in
            try await BenchHeader.print(
                "provisioning", database: database, options: "--tenants \(tenants) --clients \(clients) --dedicated \(dedicated)",
                references: "the same appends without the saga; bare CREATE DATABASE + migrate (same server)", console: console
            )
            var report = BenchReport()
            report.unit = "tenants/s"
            let runtime = try await TenantryRuntime.start(target: .external(url: database.administratorURL), maximumConnections: clients)
            do {
                try await measurePooled(runtime, into: &report)
                if dedicated > 0 { try await measureDedicated(runtime, database: database, into: &report) }
                await runtime.shutdown()
            } catch {
                await runtime.shutdown()
                try? await dropDedicatedDatabases(database)
                throw error
            }
            try await dropDedicatedDatabases(database)
            return report
        }
        console.report(report, notes: ["ratio = tenantry tenants/s ÷ reference tenants/s. Latency is signup to active, per tenant."])
    }

    private func measurePooled(_ runtime: TenantryRuntime, into report: inout BenchReport) async throws {
        let (tenants, clients) = (self.tenants, self.clients)
        // Warm-up, not measured: one signup per client opens the pools' connections and has
        // each session plan the saga's statements once, as the eventstore bench warms its
        // pool. The reference runs after, on the same warm pool; cold, the first signups'
        // connecting and planning were the measured p99.
        BenchProgress.note("warming up: \(clients) pooled signups…")
        _ = try await Self.withRegistryFollowing(runtime) {
            try await BenchConcurrency.concurrently(total: clients, clients: clients) { index in
                let request = SignupRequest(email: "warm\(index)@bench.example", organization: "Bench Warm-up \(index)")
                _ = try await runtime.tenants.create(request, actor: "bench")
            }
        }
        BenchProgress.note("measuring \(tenants) pooled signups, \(clients) clients…")
        let ours = try await Self.withRegistryFollowing(runtime) {
            try await BenchConcurrency.concurrently(total: tenants, clients: clients) { index in
                let request = SignupRequest(email: "owner\(index)@bench.example", organization: "Bench \(index % 50)")
                _ = try await runtime.tenants.create(request, actor: "bench")
            }
        }
        BenchProgress.note("measuring the same appends, bare…")
        let reference = try await Self.bareSignupAppends(runtime.eventStore, signups: tenants, clients: clients)
        report.append("pooled signup → active", ours, against: "\(Self.appendsPerPooledSignup) bare appends", reference)
    }

    /// The reference of a pooled signup: as many signups' worth of bare appends
    /// (`appendsPerPooledSignup` each, to a new tenant's stream) over `clients` tasks; the rate
    /// counts signups, the latency is per signup's appends.
    static func bareSignupAppends(_ store: EventLog, signups: Int, clients: Int) async throws -> BenchMeasurement {
        try await BenchConcurrency.concurrently(total: signups, clients: clients) { _ in
            let tenant = UUID()
            for n in 0..<Self.appendsPerPooledSignup {
                try await store.append(
                    [try NewEvent(type: "Benchmarked", dataJSON: "{\"n\":\(n)}")],
                    to: StreamName(unchecked: "bench-" + tenant.uuidString.lowercased()), tenant: tenant
                )
            }
        }
    }

    private func measureDedicated(_ runtime: TenantryRuntime, database: BenchDatabase, into report: inout BenchReport) async throws {
        // A cluster builds the template once, on its first dedicated signup (and after a release
        // changes the migrations): set-up, as the reference's template1 is, so not timed here.
        BenchProgress.note("building the dedicated databases' template (once per cluster and release)…")
        let maintenance = database.maintenanceConfiguration
        try await PostgresConnection.withConnection(maintenance) { connection in
            if try await !TenantDatabaseTemplate.standard.isFresh(on: connection) {
                try await TenantDatabaseTemplate.standard.build(on: connection, administrator: maintenance)
            }
        }
        BenchProgress.note("measuring \(dedicated) dedicated signups…")
        let ours = try await BenchConcurrency.sequentially(count: dedicated) { index in
            let request = SignupRequest(
                email: "it\(index)@bench.example", organization: "Bench Dedicated \(UUID().uuidString.prefix(6))", plan: .enterprise
            )
            _ = try await runtime.tenants.create(request, actor: "bench")
        }
        BenchProgress.note("measuring \(dedicated) bare CREATE DATABASE + migrate…")
        let reference = try await BenchConcurrency.sequentially(count: dedicated) { index in
            let name = "tenantry_bench_ref_\(index)"
            try await PostgresConnection.withConnection(maintenance) { connection in
                try await connection.query(BenchStatements.dropDatabase(name))
                try await connection.query(BenchStatements.createDatabase(name))
            }
            try await DatabaseMigrator().migrate(maintenance.with(database: name))
        }
        try await PostgresConnection.withConnection(maintenance) { connection in
            for index in 0..<dedicated {
                try await connection.query(BenchStatements.dropDatabase("tenantry_bench_ref_\(index)"))
            }
        }
        report.append("dedicated signup → active", ours, against: "CREATE DATABASE + migrate", reference)
    }

    /// Drops the databases of the dedicated tenants this run created.
    private func dropDedicatedDatabases(_ database: BenchDatabase) async throws {
        let names = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.query(BenchStatements.dedicatedDatabases).rows.map { try $0.decode(String.self) }
        }
        try await PostgresConnection.withConnection(database.maintenanceConfiguration) { connection in
            for name in names {
                try await connection.query(BenchStatements.dropDatabase(name))
            }
        }
    }

    /// Runs `body` with the tenant registry following the feed beside it, as a server's
    /// registry worker does (Decision 26): signups do not wait for the registry, but its
    /// folding of them competes for the same machine and database, and is measured with them.
    static func withRegistryFollowing<Value: Sendable>(
        _ runtime: TenantryRuntime, _ body: () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let registry = runtime.tenants.registry
            group.addTask { try await registry.run(gathering: TenantAdministration.registryGathering) }
            do {
                let value = try await body()
                group.cancelAll()
                try await registry.catchUpWithCommittedWrites()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
