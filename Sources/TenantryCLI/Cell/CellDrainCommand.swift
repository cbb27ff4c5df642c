import ArgumentParser

/// `tenantry cell drain <name>`: no tenant is placed or moved there any more.
struct CellDrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Drain a cell: no tenant is placed or moved there; its tenants keep working until they are moved out.",
        discussion: """
            Once empty (tenant move --to-cell each of its tenants), a cell can be removed.
            Example:
              tenantry cell drain b --reason "retiring the old cluster"
            """
    )

    @OptionGroup var change: CellStateChange

    func run() async throws {
        try await change.change(to: .draining)
    }
}
