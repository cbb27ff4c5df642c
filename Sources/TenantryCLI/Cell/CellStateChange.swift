import ArgumentParser
import Tenancy

/// What `cell open`, `cell drain` and `cell close` share: the cell, why, and the change itself.
struct CellStateChange: ParsableArguments {
    @OptionGroup var cell: CellSelection
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    /// Records the cell's new state (nothing when it has it already) and prints the cell.
    func change(to state: CellState) async throws {
        let (name, reason) = (try cell.cell, self.reason.reason)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.cells.registry.changeState(name, to: state, actor: Operator.actor, reason: reason)
        }
        CellOutput.print(changed, json: output.json)
    }
}
