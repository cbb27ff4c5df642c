import ArgumentParser
import Tenantry

/// `tenantry dev down`: stop the embedded cluster (its data stays).
struct DevDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the embedded cluster and its embedded cells; their data stays under .tenantry/.",
        discussion: "Example:\n  tenantry dev down"
    )

    func run() async throws {
        let cluster = DatabaseTarget.embeddedCluster()
        let wasRunning = cluster.status().isRunning
        try await cluster.stop()
        StandardOutput.line(wasRunning ? "stopped the embedded cluster" : "the embedded cluster was not running")
        for (name, cell) in EmbeddedCells.clusters() where cell.status().isRunning {
            try await cell.stop()
            StandardOutput.line("stopped embedded cell \(name)")
        }
    }
}
