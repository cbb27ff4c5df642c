import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry dev status`: is the embedded cluster running, and where.
struct DevStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether the embedded cluster runs, its pid, data and socket directories.",
        discussion: "Exit status 0 when running, 3 when stopped.\nExample:\n  tenantry dev status --json"
    )

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let cluster = DatabaseTarget.embeddedCluster()
        let status = cluster.status()
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object([
                "running": .bool(status.isRunning),
                "pid": status.pid.map { .integer(Int64($0)) } ?? .null,
                "dataDirectory": .string(status.dataDirectory),
                "socketDirectory": .string(status.socketDirectory),
                "serverVersion": status.serverVersion.map(JSONValue.string) ?? .null,
            ])))
        } else {
            var table = TextTable("RUNNING", "PID", "VERSION", "DATA", "SOCKET")
            table.append([
                status.isRunning ? "yes" : "no",
                status.pid.map(String.init) ?? "-",
                status.serverVersion ?? "-",
                status.dataDirectory,
                status.socketDirectory,
            ])
            StandardOutput.line(table.rendered)
        }
        if !status.isRunning { throw ExitCode(3) }
    }
}
