import Synchronization

/// The cells found unavailable by the last health check, shared by the process's placement
/// (which chooses no such cell for a new tenant while another takes it) and its health monitor
/// (which writes it). A process that runs no monitor (a CLI command) sees every cell available.
public final class CellAvailability: Sendable {
    private let unavailable = Mutex<Set<CellName>>([])

    public init() {}

    /// The cells unavailable now.
    public var unavailableCells: Set<CellName> {
        unavailable.withLock { $0 }
    }

    /// Replaces what is known with the last check's findings.
    public func record(unavailable cells: Set<CellName>) {
        unavailable.withLock { $0 = cells }
    }
}
