import ArgumentParser
import FeatureFlags

/// `tenantry cell remove <name>`: a cell that holds no tenant is no longer used.
struct CellRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a cell that holds no tenant (drain it and move its tenants out first); main stays.",
        discussion: """
            Records CellRemoved; the database itself is left as it is (drop it yourself once \
            no longer needed).
            Example:
              tenantry cell remove b --reason "cluster retired"
            """
    )

    @OptionGroup var cell: CellSelection
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (name, reason) = (try cell.cell, self.reason.reason)
        try await connection.withRuntime { runtime in
            try await runtime.cells.registry.remove(name, actor: Operator.actor, reason: reason)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(["name": .string(name.rawValue), "removed": .bool(true)])))
        } else {
            StandardOutput.line("cell \(name) removed")
        }
    }
}
