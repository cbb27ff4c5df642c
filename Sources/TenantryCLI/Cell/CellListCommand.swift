import ArgumentParser
import FeatureFlags
import Tenancy
import Tenantry

/// `tenantry cell list [--check]`: every cell with its state, tenants and capacity.
struct CellListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the cells: name, state, tenants, capacity and location (and with --check, whether each answers).",
        discussion: """
            --check connects to each cell's database as the application (2 seconds at most each, \
            all at once) and checks that it is the database the cell was added with; it exits 69 \
            when one is not healthy, after the listing.
            Examples:
              tenantry cell list
              tenantry cell list --check --json
            """
    )

    @ArgumentParser.Flag(help: "Also check that each cell's database answers and is the one it was added with (exit 69 when one is not).")
    var check = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let check = self.check
        let (cells, health) = try await connection.withRuntime { runtime in
            let cells = try await runtime.cells.list()
            return (cells, check ? await Self.problems(of: cells, administration: runtime.cells) : nil)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(cells.map { cell in
                var fields = cell.adminFields
                if let health {
                    fields["healthy"] = .bool(health[cell.name] == nil)
                    fields["healthProblem"] = health[cell.name].map(JSONValue.string) ?? .null
                }
                return .object(fields)
            })))
        } else {
            StandardOutput.line(CellOutput.table(cells, health: health))
        }
        if let health, !health.isEmpty {
            let names = health.keys.sorted().map(\.rawValue).joined(separator: ", ")
            throw CommandFailure(message: "\(health.count) of \(cells.count) cells not healthy: \(names)", exitCode: CommandFailure.unavailable)
        }
    }

    /// Why each cell that is not healthy is not, checked all at once.
    private static func problems(of cells: [Cell], administration: CellAdministration) async -> [CellName: String] {
        await withTaskGroup(of: (CellName, String?).self) { group in
            for cell in cells {
                group.addTask { (cell.name, await administration.health(of: cell)) }
            }
            var problems: [CellName: String] = [:]
            for await (name, problem) in group {
                if let problem { problems[name] = problem }
            }
            return problems
        }
    }
}
