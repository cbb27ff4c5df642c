import ArgumentParser
import Tenancy

/// `tenantry cell capacity <name> (<n>|none)`: the most pooled tenants a cell takes.
struct CellCapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Set the most pooled tenants a cell takes, or none for no limit; tenants already there stay.",
        discussion: """
            A full cell takes no new tenant, by the placement policy or by name.
            Examples:
              tenantry cell capacity b 5000 --reason "sized for the new cluster"
              tenantry cell capacity b none
            """
    )

    @OptionGroup var cell: CellSelection
    @Argument(help: ArgumentHelp("The most pooled tenants it takes (at least 1), or none for no limit.", valueName: "n|none"))
    var capacity: String
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try limit
    }

    /// The limit `capacity` gives: nil for `none`.
    private var limit: Int? {
        get throws {
            if capacity == "none" { return nil }
            guard let limit = Int(capacity), (1...Int(Int32.max)).contains(limit) else {
                throw ValidationError("<n|none>: give the most tenants the cell takes (1 to \(Int32.max)) or none, not \"\(capacity.prefix(40))\"")
            }
            return limit
        }
    }

    func run() async throws {
        let (name, limit, reason) = (try cell.cell, try self.limit, self.reason.reason)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.cells.registry.changeCapacity(name, to: limit, actor: Operator.actor, reason: reason)
        }
        CellOutput.print(changed, json: output.json)
    }
}
