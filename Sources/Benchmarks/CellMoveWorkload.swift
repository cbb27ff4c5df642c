import EventStore
import Foundation
import PostgresClient
import Provisioning
import Synchronization
import Tenancy
import Tenantry

/// One online move measured for `tenantry bench cells`: a new pooled tenant in `main`, given
/// `events` events in streams of 100 (inserted as the superuser: set-up, untimed), psql's COPY
/// of those rows out of `main` as the reference, then `TenantAdministration.move` to the bench
/// cell while `PacedWriters` keep appending to the tenant (next to the same writers on a twin
/// tenant in `main` that does not move).
struct CellMoveWorkload {
    let runtime: TenantryRuntime
    let database: BenchDatabase
    let cell: BenchCell
    let workDirectory: URL
    let events: Int

    /// The writers during the move (and on the twin tenant before it, as their reference).
    static let writers = 4
    static let writerInterval: Duration = .milliseconds(10)
    /// How long the writers run on the twin tenant, for their reference.
    static let writersAlone: Duration = .seconds(3)
    /// Events inserted per transaction while loading.
    static let loadBatch = 200_000

    /// The figures of one move.
    struct Result {
        /// The copied events over the whole move call (copy rounds, fence, switch, verification, purge).
        let move: BenchMeasurement
        /// psql's COPY of the loaded rows to /dev/null, timed as the whole process.
        let copy: BenchMeasurement
        let writersDuring: PacedWriters.Tally
        let writersBefore: PacedWriters.Tally
        let details: [String: Double]
        let note: String
    }

    func run() async throws -> Result {
        let size = BenchReport.rate(Double(events))
        BenchProgress.note("move of \(size) events: a tenant in main, its events loaded…")
        let request = SignupRequest(
            email: "mover@bench-\(events).example", organization: "Bench Mover \(events)", cell: CellName.main.rawValue)
        let tenant = try await runtime.tenants.create(request, actor: CellsBenchmark.actor).tenant.id
        var main = database.administratorConfiguration
        main.queryTimeout = .seconds(600)
        try await load(tenant, on: main)
        let loaded = try await Self.count(tenant, on: main)

        BenchProgress.note("move of \(size) events: psql COPY of the \(loaded) rows out of main…")
        let copy = try await copyOut(tenant, expecting: loaded)

        // The writers' reference runs on a twin tenant in main: the same traffic there, without
        // adding to the tenant moved (at 400 appends a second, 3 s of it would more than double
        // a small tenant).
        let twinRequest = SignupRequest(
            email: "twin@bench-\(events).example", organization: "Bench Twin \(events)", cell: CellName.main.rawValue)
        let twin = try await runtime.tenants.create(twinRequest, actor: CellsBenchmark.actor).tenant.id
        BenchProgress.note("move of \(size) events: \(Self.writers) writers on a twin tenant in main for \(Self.writersAlone)…")
        let before = try await PacedWriters(router: runtime.tenants.router, tenant: twin, count: Self.writers, interval: Self.writerInterval)
            .running(for: Self.writersAlone)
        let writers = PacedWriters(router: runtime.tenants.router, tenant: tenant, count: Self.writers, interval: Self.writerInterval)
        let beforeMove = try await Self.count(tenant, on: main)
        try await Self.checkpoint(main)
        try await Self.checkpoint(cell.administratorConfiguration)

        BenchProgress.note("move of \(size) events: moving to \(cell.name) with the writers running…")
        let clock = ContinuousClock()
        let switched = SwitchMark()
        let began = clock.now
        let (outcome, during) = try await writers.running {
            try await runtime.tenants.move(
                tenant.uuidString.lowercased(), toCell: cell.name, actor: CellsBenchmark.actor, reason: "tenantry bench cells",
                keepingSource: false
            ) { line in
                if line.hasPrefix("switched to cell") { switched.record(clock.now) }
                BenchProgress.note("  \(line)")
            }
        }
        let whole = began.duration(to: clock.now)
        let toSwitch = switched.instant.map { began.duration(to: $0) }
        let landed = try await Self.count(tenant, on: cell.administratorConfiguration)
        let expected = beforeMove + during.measurement.events

        let ms = BenchMeasurement.milliseconds
        let details: [String: Double] = [
            "fencedMs": ms(outcome.fenced),
            "moveMs": ms(whole),
            "toSwitchMs": toSwitch.map(ms) ?? 0,
            "rounds": Double(outcome.rounds),
            "copiedEvents": Double(outcome.copiedEvents),
            "writerAppends": Double(during.measurement.events),
            "writerRetries": Double(during.retries),
            "writerSlowestMs": during.slowest,
        ]
        let fixed = { (value: Double, places: Int) in String(format: "%.\(places)f", value) }
        var note = "move of \(size) events: fenced \(fixed(ms(outcome.fenced), 1)) ms of \(fixed(ms(whole) / 1000, 2)) s "
            + "(switched at \(fixed((toSwitch.map(ms) ?? 0) / 1000, 2)) s; after the switch the copy is verified and the old one purged), "
            + "\(outcome.rounds) copy rounds before the fence, \(outcome.copiedEvents) events in the copy; "
            + "\(Self.writers) writers appended \(during.measurement.events) events meanwhile, slowest \(fixed(during.slowest, 1)) ms, "
            + "\(during.retries) calls retried after a refusal; "
        note += landed == expected
            ? "\(cell.name) holds all \(landed) of the tenant's events"
            : "MISMATCH: \(cell.name) holds \(landed) of the tenant's events, \(beforeMove) before the move + \(during.measurement.events) appended = \(expected) expected"
        if case .failure(let reason) = outcome.purge { note += "; old copy not purged: \(reason)" }
        let move = BenchMeasurement(
            events: Int(outcome.copiedEvents), elapsed: whole, latency: LatencySummary(milliseconds: [ms(whole)]))
        return Result(move: move, copy: copy, writersDuring: during, writersBefore: before, details: details, note: note)
    }

    /// Inserts the tenant's `events` events in transactions of `loadBatch`, then settles the table.
    private func load(_ tenant: UUID, on configuration: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(configuration) { connection in
            var filled: Int64 = 0
            while filled < Int64(events) {
                let next = min(filled + Int64(Self.loadBatch), Int64(events))
                try await connection.query(BenchStatements.fillTenant(tenant, from: filled, to: next))
                filled = next
                if events > Self.loadBatch { BenchProgress.note("  \(filled) of \(events)") }
            }
            try await connection.query(BenchStatements.vacuumEventStore)
            try await connection.query(BenchStatements.checkpoint)
        }
    }

    /// psql's COPY of the tenant's rows (the columns a move reads, in its order) to /dev/null.
    private func copyOut(_ tenant: UUID, expecting rows: Int) async throws -> BenchMeasurement {
        let psql = Psql(executable: try Psql.locate(), connection: database.clientArguments)
        let clock = ContinuousClock()
        let began = clock.now
        let result = try await psql.run(BenchStatements.copyTenantOut(tenant), workDirectory: workDirectory)
        let took = began.duration(to: clock.now)
        guard Psql.copiedRows(result) == rows else {
            throw BenchError("psql COPY TO wrote \(Psql.copiedRows(result).map(String.init) ?? "no") rows, expected \(rows)")
        }
        return BenchMeasurement(events: rows, elapsed: took, latency: LatencySummary(milliseconds: [BenchMeasurement.milliseconds(took)]))
    }

    static func count(_ tenant: UUID, on configuration: PostgresConfiguration) async throws -> Int {
        try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.query(BenchStatements.tenantEventCount(tenant)).rows.first?.decode(Int.self) ?? 0
        }
    }

    static func checkpoint(_ configuration: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.query(BenchStatements.checkpoint)
        }
    }

    /// When the move reported its switch (its progress line), from the progress callback.
    private final class SwitchMark: Sendable {
        private let recorded = Mutex<ContinuousClock.Instant?>(nil)

        var instant: ContinuousClock.Instant? { recorded.withLock { $0 } }

        func record(_ instant: ContinuousClock.Instant) {
            recorded.withLock { $0 = $0 ?? instant }
        }
    }
}
