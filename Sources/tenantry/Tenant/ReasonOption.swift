import ArgumentParser
import Foundation

/// `--reason`: why an operator changes a tenant, recorded in the event's metadata.
struct ReasonOption: ParsableArguments {
    @Option(help: ArgumentHelp("Why; recorded with the event (1–500 characters).", valueName: "text"))
    var reason: String

    func validate() throws {
        try Self.check(reason)
    }

    /// The rule for any reason, also one given with a default.
    static func check(_ reason: String) throws {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 500 else {
            throw ValidationError("--reason must say why, in 1 to 500 characters")
        }
    }
}

