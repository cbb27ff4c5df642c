import ArgumentParser
import FeatureFlags
import Foundation

/// `tenantry flag unschedule <key> <id>`: cancels a scheduled change.
struct FlagUnscheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unschedule",
        abstract: "Cancel a scheduled change (its id is in flag show).",
        discussion: "Example:\n  tenantry flag unschedule new-billing 3f2a…-…"
    )

    @OptionGroup var flag: FlagSelection
    @Argument(help: ArgumentHelp("The scheduled change's id.", valueName: "id"))
    var id: UUID
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (key, change, id) = (try flag.flagKey, reason.change, self.id)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.flags.cancelScheduledChange(key, id: id, by: change)
        }
        FlagOutput.printChange(changed, "scheduled change \(id.uuidString.lowercased()) cancelled", json: output.json)
    }
}
