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
        let results = try await connection.withRuntime { runtime in
            try await runtime.flags.applyDueChanges(at: Date())
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(results.map { entry in
                var fields = ["flag": JSONValue.string(entry.flag.rawValue)]
                if case .object(let change) = FlagOutput.scheduled(entry.change) { fields.merge(change) { $1 } }
                switch entry.outcome {
                case .applied: fields["outcome"] = .string("applied")
                case .cancelled(let reason):
                    fields["outcome"] = .string("cancelled")
                    fields["reason"] = .string(reason)
                }
                return .object(fields)
            })))
            return
        }
        var applied = 0
        for (flag, change, outcome) in results {
            let what = "\(FlagOutput.describe(change.action)) (scheduled at \(FlagOutput.timestamp(change.at)))"
            switch outcome {
            case .applied:
                applied += 1
                StandardOutput.line("\(flag): \(what)")
            case .cancelled(let reason):
                StandardOutput.line("\(flag): cancelled \(what): \(reason)")
            }
        }
        StandardOutput.line("applied \(applied) scheduled change(s)" + (applied == results.count ? "" : ", cancelled \(results.count - applied)"))
    }
}
