import ArgumentParser

/// `tenantry cell close <name>`: only tenants named for the cell go there.
struct CellCloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a cell: the placement policy puts no new tenants there, but tenant create --cell and tenant move --to-cell may.",
        discussion: """
            For a cell kept for large tenants, or one full for self-serve signups.
            Example:
              tenantry cell close b --reason "reserved for enterprise tenants"
            """
    )

    @OptionGroup var change: CellStateChange

    func run() async throws {
        try await change.change(to: .closed)
    }
}
