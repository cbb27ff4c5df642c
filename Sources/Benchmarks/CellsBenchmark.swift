import EventStore
import Foundation
import PostgresClient
import Provisioning
import Tenancy
public import Tenantry

/// `tenantry bench cells`: what a second cell changes, each figure next to a reference measured
/// in the same run. Pooled signups and concurrent appends with one cell and with two, and online
/// moves of a tenant between the cells while it keeps writing, next to psql's COPY of the same
/// rows out of its old cell.
///
/// The fresh benchmark database is the control plane and cell `main`; the second cell is an
/// embedded cluster the run makes and removes itself (`BenchCell`).
public struct CellsBenchmark: Sendable {
    public var signups: Int
    public var clients: Int
    public var writers: Int
    public var events: Int
    public var moveEvents: [Int]

    public init(signups: Int = 200, clients: Int = 8, writers: Int = 16, events: Int = 20_000, moveEvents: [Int] = [10_000, 1_000_000]) {
        self.signups = signups
        self.clients = clients
        self.writers = writers
        self.events = events
        self.moveEvents = moveEvents
    }

    /// Who the run's changes are recorded as.
    static let actor = "operator:bench"

    /// Runs the benchmark on a fresh database of `target`'s server and a fresh second cell;
    /// the header and the report go to `console`.
    public func run(on target: DatabaseTarget, console: any BenchmarkConsole) async throws {
        var notes: [String] = []
        let cell = try BenchCell()
        let options = "--signups \(signups) --clients \(clients) --writers \(writers) --events \(events) --move-events "
            + moveEvents.map(String.init).joined(separator: ",")
        let report = try await BenchDatabase.withFresh(on: target) { database, workDirectory in
            try await BenchHeader.print(
                "cells", database: database, options: options,
                references: "the same work with one cell; bare appends; psql COPY TO of the moved rows (same servers)", console: console)
            BenchProgress.note("wiping cell \(cell.name)'s cluster (\(cell.cluster.directory)) for a clean run…")
            try await cell.remove()
            do {
                let report = try await measure(database: database, cell: cell, workDirectory: workDirectory, notes: &notes)
                BenchProgress.note("stopping and removing cell \(cell.name)'s cluster…")
                try await cell.remove()
                return report
            } catch {
                try? await cell.remove()
                throw error
            }
        }
        console.report(report, notes: notes + [
            "cells: main is the benchmark database tenantry_bench (the control plane's own); \(cell.name) an embedded cluster (development profile) on the same machine, made for this run and removed after it.",
            "ratio = ours ÷ reference, as rates: tenants/s in the signup rows, events/s in the others (1× is parity). Latency: per signup, per append; a move row's is the whole move, the COPY's the whole psql process.",
        ])
    }

    private func measure(database: BenchDatabase, cell: BenchCell, workDirectory: URL, notes: inout [String]) async throws -> BenchReport {
        // As many connections as the busiest workload's callers: every signup client or writer
        // holds one, in main's pools; each other cell's pool is the router's (8).
        let runtime = try await TenantryRuntime.start(target: .external(url: database.administratorURL), maximumConnections: max(clients, writers))
        do {
            var report = BenchReport()
            report.unit = "ops/s"
            BenchProgress.note("adding cell \(cell.name) (initdb, migrations), closed to the placement policy for now…")
            _ = try await runtime.cells.add(
                cell.name, location: cell.location, capacity: nil, state: .closed, migrating: true, actor: Self.actor,
                reason: "tenantry bench cells")
            let tenants = try await measureSignups(runtime, cell: cell, into: &report, notes: &notes)
            try await measureAppends(runtime, database: database, cell: cell, tenants: tenants, into: &report, notes: &notes)
            for size in moveEvents {
                let move = CellMoveWorkload(runtime: runtime, database: database, cell: cell, workDirectory: workDirectory, events: size)
                let result = try await move.run()
                let label = BenchReport.rate(Double(size))
                report.append(
                    "move \(label) events to \(cell.name)", result.move, against: "psql COPY TO /dev/null, same rows", result.copy,
                    details: result.details)
                report.append(
                    "\(CellMoveWorkload.writers) writers during the \(label)-event move", result.writersDuring.measurement,
                    against: "same writers, tenant not moving", result.writersBefore.measurement,
                    details: ["slowestMs": result.writersDuring.slowest, "retries": Double(result.writersDuring.retries)])
                notes.append(result.note)
            }
            await runtime.shutdown()
            return report
        } catch {
            await runtime.shutdown()
            throw error
        }
    }

    /// The tenants each signup row made, for the append rows: all in main, and spread by the
    /// policy over both cells (with each one's cell).
    private struct SignedUp {
        let oneCell: [UUID]
        let twoCells: [(tenant: UUID, cell: CellName)]
    }

    /// Pooled signups with `cell` closed to the policy, then open (both cells holding as many
    /// tenants first), then the bare appends of as many signups.
    private func measureSignups(
        _ runtime: TenantryRuntime, cell: BenchCell, into report: inout BenchReport, notes: inout [String]
    ) async throws -> SignedUp {
        let administration = runtime.tenants
        // Warm-up, not measured: a signup per client in each cell opens both cells' pools and
        // has each session plan the saga's statements, as bench provisioning warms its pool.
        BenchProgress.note("warming up: \(clients) pooled signups in each cell…")
        _ = try await ProvisioningBenchmark.withRegistryFollowing(runtime) {
            for name in [CellName.main, cell.name] {
                _ = try await Self.signups(administration, count: clients, clients: clients, label: "warm-\(name)", cell: name)
            }
        }
        BenchProgress.note("measuring \(signups) pooled signups, \(clients) clients, one cell open…")
        let (oneCell, oneCellTenants) = try await ProvisioningBenchmark.withRegistryFollowing(runtime) {
            try await Self.signups(administration, count: signups, clients: clients, label: "one", cell: nil)
        }
        // The policy places a tenant in the cell with fewest: level them first, or every
        // measured signup would go to the emptier cell instead of being spread.
        let counts = try await Self.tenantsPerCell(runtime)
        let gap = (counts[.main] ?? 0) - (counts[cell.name] ?? 0)
        if gap > 0 {
            BenchProgress.note("placing \(gap) tenants in \(cell.name) by name, so both cells hold as many (untimed)…")
            _ = try await ProvisioningBenchmark.withRegistryFollowing(runtime) {
                try await Self.signups(administration, count: gap, clients: clients, label: "level", cell: cell.name)
            }
        }
        _ = try await runtime.cells.registry.changeState(cell.name, to: .open, actor: Self.actor, reason: "tenantry bench cells")
        BenchProgress.note("measuring \(signups) pooled signups, \(clients) clients, two cells open…")
        let (twoCells, twoCellTenants) = try await ProvisioningBenchmark.withRegistryFollowing(runtime) {
            try await Self.signups(administration, count: signups, clients: clients, label: "two", cell: nil)
        }
        var placed: [(tenant: UUID, cell: CellName)] = []
        for tenant in twoCellTenants {
            guard case .pooled(let name) = try await administration.placements.placement(of: tenant) else { continue }
            placed.append((tenant, name))
        }
        let inSecond = placed.filter { $0.cell == cell.name }.count
        notes.append("two cells open: the policy placed \(placed.count - inSecond) of the \(signups) signups in main, \(inSecond) in \(cell.name).")
        BenchProgress.note("measuring the same appends, bare…")
        let bare = try await ProvisioningBenchmark.bareSignupAppends(runtime.eventStore, signups: signups, clients: clients)
        report.append("pooled signup → active, 2 cells", twoCells, against: "same, 1 cell open", oneCell)
        report.append(
            "pooled signup → active, 1 cell", oneCell, against: "\(ProvisioningBenchmark.appendsPerPooledSignup) bare appends", bare)
        return SignedUp(oneCell: oneCellTenants, twoCells: placed)
    }

    /// `writers` writers appending single events through the router to tenants all in main,
    /// then to tenants half in each cell, then the first again straight to main's store.
    private func measureAppends(
        _ runtime: TenantryRuntime, database: BenchDatabase, cell: BenchCell, tenants: SignedUp,
        into report: inout BenchReport, notes: inout [String]
    ) async throws {
        let inMain = Array(tenants.oneCell.prefix(writers))
        let spread = Self.alternating(
            tenants.twoCells.filter { $0.cell == .main }.map(\.tenant), tenants.twoCells.filter { $0.cell != .main }.map(\.tenant))
        guard !inMain.isEmpty, !spread.isEmpty else { throw BenchError("the signups left no tenants to append to") }
        let spreadTenants = Array(spread.prefix(writers))
        let seconds = Set(tenants.twoCells.filter { $0.cell != .main }.map(\.tenant))
        let (spreadInMain, spreadInSecond) = (
            spreadTenants.filter { !seconds.contains($0) }.count, spreadTenants.filter { seconds.contains($0) }.count)
        notes.append(
            "appends: \(events) single-event appends per row from \(writers) writers, each to its own stream of one of \(inMain.count) tenants in main, or of \(spreadTenants.count) tenants (\(spreadInMain) in main, \(spreadInSecond) in \(cell.name)).")
        let settle = { [database, cell] in
            try await CellMoveWorkload.checkpoint(database.administratorConfiguration)
            try await CellMoveWorkload.checkpoint(cell.administratorConfiguration)
        }
        try await settle()
        BenchProgress.note("measuring \(events) appends, \(writers) writers, tenants all in main…")
        let oneCell = try await Self.appends(runtime, to: inMain, writers: writers, events: events, routed: true)
        try await settle()
        BenchProgress.note("measuring \(events) appends, \(writers) writers, tenants in both cells…")
        let twoCells = try await Self.appends(runtime, to: spreadTenants, writers: writers, events: events, routed: true)
        try await settle()
        BenchProgress.note("measuring \(events) appends, \(writers) writers, straight to main's store…")
        let bare = try await Self.appends(runtime, to: inMain, writers: writers, events: events, routed: false)
        report.append("append, \(writers) writers, 2 cells", twoCells, against: "same, tenants all in main", oneCell)
        report.append("append, \(writers) writers, 1 cell", oneCell, against: "EventLog.append, no router", bare)
    }

    /// `events` appends of one event over `writers` tasks, writer w to stream `bench-<w>` of
    /// tenant w % count, through the router (the placement read per call, as the API appends)
    /// or straight to main's store; after one unmeasured append per writer, which opens the
    /// connections of every pool it uses.
    private static func appends(
        _ runtime: TenantryRuntime, to tenants: [UUID], writers: Int, events: Int, routed: Bool
    ) async throws -> BenchMeasurement {
        let (router, store) = (runtime.tenants.router, runtime.eventStore)
        let streams = try (0..<writers).map { try StreamName(category: "bench", id: String($0)) }
        let append: @Sendable (Int) async throws -> Void = { writer in
            let tenant = tenants[writer % tenants.count]
            let event = try NewEvent(type: "Benchmarked", dataJSON: #"{"n": 1}"#)
            if routed {
                try await router.withEventStore(for: tenant) { store in
                    _ = try await store.append([event], to: streams[writer], tenant: tenant)
                }
            } else {
                try await store.append([event], to: streams[writer], tenant: tenant)
            }
        }
        _ = try await BenchConcurrency.concurrently(total: writers, clients: writers, append)
        return try await BenchConcurrency.concurrently(total: events, clients: writers) { index in try await append(index % writers) }
    }

    /// `count` pooled signups over `clients` tasks, placed in `cell` or by the policy; their
    /// tenants' ids.
    private static func signups(
        _ administration: TenantAdministration, count: Int, clients: Int, label: String, cell: CellName?
    ) async throws -> (BenchMeasurement, [UUID]) {
        try await BenchConcurrency.collecting(total: count, clients: clients) { index in
            let request = SignupRequest(
                email: "owner\(index)@\(label).bench.example", organization: "Bench \(label) \(index)", cell: cell?.rawValue)
            return try await administration.create(request, actor: actor).tenant.id
        }
    }

    /// How many pooled tenants each cell holds.
    private static func tenantsPerCell(_ runtime: TenantryRuntime) async throws -> [CellName: Int] {
        Dictionary(uniqueKeysWithValues: try await runtime.cells.list().map { ($0.name, $0.tenants) })
    }

    /// a0, b0, a1, b1, …, then what is left of the longer one.
    private static func alternating(_ first: [UUID], _ second: [UUID]) -> [UUID] {
        var merged: [UUID] = []
        for index in 0..<max(first.count, second.count) {
            if index < first.count { merged.append(first[index]) }
            if index < second.count { merged.append(second[index]) }
        }
        return merged
    }
}
