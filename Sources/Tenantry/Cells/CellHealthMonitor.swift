public import EventStore
public import Foundation
public import Logging
import Metrics
import Synchronization
public import Tenancy

/// Whether each cell's database answers, checked in the background so that `/readyz` (which an
/// orchestrator calls with a short timeout) only reads the last result. A cell that is down
/// affects only its tenants: the server stays ready, requests for those tenants' data answer
/// 503, and the readiness answer names the cell. Each check also sets the gauge
/// `tenantry_cell_up{cell}` (1 or 0).
public final class CellHealthMonitor: Sendable {
    /// A cell as last seen.
    public struct Report: Sendable, Hashable {
        public let cell: CellName
        /// Nil when it answered and is the database it was added with; else why not.
        public let problem: String?
        public let checkedAt: Date
    }

    private let cells: CellAdministration
    private let availability: CellAvailability
    private let reports = Mutex<[CellName: Report]>([:])
    private let logger: Logger

    /// Checks `cells` and records the unavailable ones in `availability` (the placement's).
    public init(cells: CellAdministration, availability: CellAvailability, logger: Logger = Logger(label: "tenantry.cells")) {
        self.cells = cells
        self.availability = availability
        self.logger = logger
    }

    /// Every cell's last report, by name; empty until the first check ends.
    public var latest: [Report] {
        reports.withLock { $0.values.sorted { $0.cell < $1.cell } }
    }

    /// Checks every cell now (concurrently, each within `timeoutSeconds`, else the connect
    /// timeout, `PGCONNECT_TIMEOUT`).
    public func refresh(timeoutSeconds: Int? = nil) async throws {
        let all = try await cells.list()
        let fresh = await withTaskGroup(of: Report.self) { group in
            for cell in all {
                group.addTask { [cells] in
                    Report(cell: cell.name, problem: await cells.health(of: cell, timeoutSeconds: timeoutSeconds), checkedAt: Date())
                }
            }
            return await group.reduce(into: [CellName: Report]()) { $0[$1.cell] = $1 }
        }
        let previous = reports.withLock { reports in
            defer { reports = fresh }
            return reports
        }
        availability.record(unavailable: Set(fresh.values.filter { $0.problem != nil }.map(\.cell)))
        for report in fresh.values.sorted(by: { $0.cell < $1.cell }) {
            Gauge(label: "tenantry_cell_up", dimensions: [("cell", report.cell.rawValue)]).record(report.problem == nil ? 1 : 0)
            let wasDown = previous[report.cell].map { $0.problem != nil }
            if let problem = report.problem, wasDown != true {
                logger.error("cell unavailable: its tenants' data requests fail until it is back", metadata: ["cell": "\(report.cell)", "problem": "\(problem)"])
            } else if report.problem == nil, wasDown == true {
                logger.notice("cell available again", metadata: ["cell": "\(report.cell)"])
            }
        }
    }

    /// The background loop: a check every `interval`.
    public func periodicCheck(interval: Duration = .seconds(5)) -> PeriodicCheck {
        PeriodicCheck(name: "cell health check", interval: interval, logger: logger) { [self] in
            try await refresh()
        }
    }
}
