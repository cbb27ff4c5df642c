import ArgumentParser

/// `tenantry cell open <name>`: the placement policy may put new tenants there again.
struct CellOpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open a cell: new pooled tenants may be placed there, and tenants may move in.",
        discussion: "Example:\n  tenantry cell open b --reason \"maintenance done\""
    )

    @OptionGroup var change: CellStateChange

    func run() async throws {
        try await change.change(to: .open)
    }
}
