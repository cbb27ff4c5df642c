import ArgumentParser

/// `tenantry cell …`: the cells (PostgreSQL databases) pooled tenants live in.
struct CellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cell",
        abstract: "Add, list, open, drain, close and remove the cells pooled tenants live in.",
        discussion: """
            A cell is a migrated Tenantry database holding pooled tenants' events; main is the \
            control plane's own database and is always there. New pooled tenants go to the open \
            cell with the fewest tenants (tenant create --cell names one), and tenant move \
            --to-cell moves a tenant while it keeps working. Every change is an event on the \
            cell's stream (cell-<name>) with the operator as actor and --reason in its metadata.
            """,
        subcommands: [
            CellAddCommand.self, CellListCommand.self, CellOpenCommand.self, CellDrainCommand.self,
            CellCloseCommand.self, CellCapacityCommand.self, CellRemoveCommand.self,
        ]
    )
}
