import ArgumentParser
import Tenancy

/// The cell a command acts on: `<name>`, the first argument of every single-cell command,
/// checked before anything connects.
struct CellSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The cell's name: 1-31 lower-case letters, digits or '-', starting with a letter.", valueName: "name"))
    var name: String

    func validate() throws {
        if let problem = CellName.problem(with: name) { throw ValidationError("<name>: \(problem)") }
    }

    /// The name, valid once `validate()` passed.
    var cell: CellName {
        get throws { try CellName(name) }
    }
}
