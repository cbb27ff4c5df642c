import ArgumentParser
import EmbeddedPostgres
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
        let cells = EmbeddedCells.clusters().map { ($0.name, $0.cluster.status()) }
        if output.json {
            func json(_ status: EmbeddedCluster.Status) -> [String: JSONValue] {
                [
                    "running": .bool(status.isRunning),
                    "pid": status.pid.map { .integer(Int64($0)) } ?? .null,
                    "dataDirectory": .string(status.dataDirectory),
                    "socketDirectory": .string(status.socketDirectory),
                    "serverVersion": status.serverVersion.map(JSONValue.string) ?? .null,
                ]
            }
            var answer = json(status)
            answer["cells"] = .array(cells.map { name, status in .object(json(status).merging(["name": .string(name)]) { $1 }) })
            StandardOutput.line(JSONWriter.compact(.object(answer)))
        } else {
            var table = TextTable("CLUSTER", "RUNNING", "PID", "VERSION", "DATA", "SOCKET")
            for (name, status) in [("main", status)] + cells {
                table.append([
                    name,
                    status.isRunning ? "yes" : "no",
                    status.pid.map(String.init) ?? "-",
                    status.serverVersion ?? "-",
                    status.dataDirectory,
                    status.socketDirectory,
                ])
            }
            StandardOutput.line(table.rendered)
        }
        if !status.isRunning { throw ExitCode(3) }
    }
}
