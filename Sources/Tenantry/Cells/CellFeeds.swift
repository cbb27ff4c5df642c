public import EventStore
public import Foundation
import PostgresClient
public import Tenancy

/// The all-tenant feeds of the cells, each read as the operator on its own database (positions
/// and cursors are per database): what `events tail` follows, one subscription per cell.
public struct CellFeeds: Sendable {
    /// One cell's feed.
    public struct Feed: Sendable {
        public let cell: CellName
        public let store: EventLog
    }

    public let feeds: [Feed]
    private let ownedPools: [PostgresPool]

    /// The feeds of `cells` (nil: every cell) of `runtime`; `main` reads through the runtime's
    /// operator store, the others through pools this opens (`close()` them).
    public static func open(_ runtime: TenantryRuntime, cells names: Set<CellName>? = nil) async throws -> CellFeeds {
        var feeds: [Feed] = []
        var pools: [PostgresPool] = []
        for cell in try await runtime.cells.list() where names?.contains(cell.name) ?? true {
            if cell.location == .controlPlane {
                feeds.append(Feed(cell: cell.name, store: runtime.operatorEventStore))
            } else {
                let pool = PostgresPool(configuration: try runtime.cells.connections.operator(cell.location), maximumConnections: 2)
                pools.append(pool)
                feeds.append(Feed(cell: cell.name, store: EventLog(pool: pool)))
            }
        }
        if let names, let missing = names.subtracting(feeds.map(\.cell)).sorted().first {
            for pool in pools { await pool.close() }
            throw CellError.notFound(missing.rawValue)
        }
        return CellFeeds(feeds: feeds, ownedPools: pools)
    }

    /// The cell `tenant` lives in (`main` for a dedicated tenant's registry: its own events are
    /// in its database, which no cell feed shows).
    public static func cell(of tenant: UUID, in runtime: TenantryRuntime) async throws -> CellName {
        try await runtime.tenants.placements.placement(of: tenant).cell ?? .main
    }

    public func close() async {
        for pool in ownedPools { await pool.close() }
    }
}
