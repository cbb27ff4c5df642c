import ArgumentParser
import EventStore
import Foundation
import Tenantry

/// `--reason`: why an operator changes a tenant, recorded in the event's metadata.
struct ReasonOption: ParsableArguments {
    @Option(help: ArgumentHelp("Why; recorded with the event (1–500 characters).", valueName: "text"))
    var reason: String

    func validate() throws {
        try Self.check(reason)
    }

    /// The rule for any reason (`ChangeReason`, as the admin API checks it), also one given
    /// with a default.
    static func check(_ reason: String) throws {
        guard ChangeReason.problem(reason) == nil else {
            throw ValidationError("--reason must say why, in 1 to \(ChangeReason.maximumLength) characters")
        }
    }
}

