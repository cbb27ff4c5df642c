import ArgumentParser
import Tenancy

/// `tenantry cell add <name> --location REF`: a database made ready and recorded as a cell.
struct CellAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a cell: its database is created where the location allows, migrated, identified and recorded.",
        discussion: """
            The location is a reference, never a URL (credentials stay in each server's \
            configuration): database:<name> is a database on the control plane's cluster, \
            reached with the same login (created if missing); env:TENANTRY_CELL_<NAME>_URL names \
            a variable holding the cell's libpq URL, which every server must have set too; \
            embedded:<name> is a local cluster under .tenantry/cells/<name> (started, initdb on \
            first use). The database's identity is recorded, so a different database behind the \
            same location is refused rather than used.
            Examples:
              tenantry cell add b --location database:tenantry_cell_b --capacity 5000
              tenantry cell add eu-1 --location env:TENANTRY_CELL_EU_1_URL --closed --reason "large tenants only"
            """
    )

    @OptionGroup var cell: CellSelection
    @Option(help: ArgumentHelp("Where its database is: database:<name>, env:TENANTRY_CELL_<NAME>_URL or embedded:<name>.", valueName: "ref"))
    var location: String
    @Option(help: ArgumentHelp("The most pooled tenants it takes (default: no limit).", valueName: "n"))
    var capacity: Int?
    @Flag(help: "Add it closed: only tenants named for it (tenant create --cell, tenant move --to-cell) are placed there.")
    var closed = false
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        do {
            _ = try CellLocation(location)
        } catch {
            throw ValidationError("--location: \(error.description)")
        }
        if let capacity, !(1...Int(Int32.max)).contains(capacity) {
            throw ValidationError("--capacity must be from 1 to \(Int32.max) tenants (leave it out for no limit)")
        }
    }

    func run() async throws {
        let (name, location, capacity, reason) = (try cell.cell, try CellLocation(self.location), self.capacity, self.reason.reason)
        let state: CellState = closed ? .closed : .open
        let added = try await connection.withRuntime { runtime in
            try await runtime.cells.add(
                name, location: location, capacity: capacity, state: state, migrating: true, actor: Operator.actor, reason: reason)
        }
        CellOutput.print(added, json: output.json)
    }
}
