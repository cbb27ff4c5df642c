import ArgumentParser
import FeatureFlags
import Foundation

/// `tenantry flag apply-due`: the scheduler's work, once, for set-ups without a server.
struct FlagApplyDueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply-due",
        abstract: "Apply every scheduled flag change that is due (the server does this by itself; cron can without one).",
        discussion: "Example (cron, every minute):\n  tenantry flag apply-due"
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let applied = try await connection.withRuntime { runtime in
            try await runtime.flags.applyDueChanges(at: Date())
        }
        if output.json {
            StandardOutput.line(JSONObject.render(.array(applied.map { entry in
                var fields = ["flag": JSONObject.Value.string(entry.flag.rawValue)]
                if case .object(let change) = FlagOutput.scheduled(entry.change) { fields.merge(change) { $1 } }
                return .object(fields)
            })))
            return
        }
        for (flag, change) in applied {
            StandardOutput.line("\(flag): \(FlagOutput.describe(change.action)) (scheduled at \(FlagOutput.timestamp(change.at)))")
        }
        StandardOutput.line("applied \(applied.count) scheduled change(s)")
    }
}
