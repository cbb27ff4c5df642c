import EmbeddedPostgres
import Foundation
import PostgresClient
import Tenancy
import Tenantry

/// The second cell `tenantry bench cells` measures with: an embedded cluster under
/// `$TENANTRY_HOME/cells/bench-2` (else `./.tenantry/cells/bench-2`), at location
/// `embedded:bench-2`, as `tenantry dev up --cells` makes its cells. The name is the
/// benchmark's own: the run wipes whatever cluster has it before it starts, so initdb and the
/// migrations start clean, and removes the cluster at its end, also when the run fails.
struct BenchCell: Sendable {
    let name: CellName
    let cluster: EmbeddedCluster

    init() throws {
        name = try CellName("bench-2")
        cluster = DatabaseTarget.embeddedCell(name.rawValue)
    }

    /// Where the control plane records it.
    var location: CellLocation { .embedded(name.rawValue) }

    /// The superuser on the cell's database: counts and checkpoints, never the measured work.
    var administratorConfiguration: PostgresConfiguration {
        var configuration = PostgresConfiguration(connectionString: cluster.connectionString(database: DatabaseTarget.embeddedDatabaseName))
        // A checkpoint after a million copied events takes longer than an application statement may.
        configuration.queryTimeout = .seconds(600)
        return configuration
    }

    /// Stops and removes the cluster (and the data directory it may have been relocated to)
    /// and the cell's folder; nothing when there is none.
    func remove() async throws {
        try await cluster.destroy()
        let folder = URL(fileURLWithPath: cluster.directory).deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.removeItem(at: folder)
        }
    }
}
