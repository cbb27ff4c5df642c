import ArgumentParser
import FeatureFlags

/// `--reason` for flag changes: optional (unlike a tenant's suspension, most flag changes
/// explain themselves), recorded with the operator as actor in every event's metadata.
struct FlagReasonOption: ParsableArguments {
    @Option(help: ArgumentHelp("Why; recorded with the event (1–500 characters).", valueName: "text"))
    var reason: String?

    func validate() throws {
        if let reason { try ReasonOption.check(reason) }
    }

    /// Who changes the flag (the operator running the command) and why.
    var change: FlagService.Change {
        FlagService.Change(actor: Operator.actor, reason: reason)
    }
}
