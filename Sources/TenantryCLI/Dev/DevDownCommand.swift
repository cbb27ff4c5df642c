import ArgumentParser
import Tenantry

/// `tenantry dev down`: stop the embedded cluster (its data stays).
struct DevDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the embedded cluster; its data stays under .tenantry/postgres.",
        discussion: "Example:\n  tenantry dev down"
    )

    func run() async throws {
        let cluster = DatabaseTarget.embeddedCluster()
        let wasRunning = cluster.status().isRunning
        try await cluster.stop()
        StandardOutput.line(wasRunning ? "stopped the embedded cluster" : "the embedded cluster was not running")
    }
}
