import ArgumentParser
import FeatureFlags
import Foundation
import Tenantry

/// `tenantry flag schedule <key> --at TIME enable|disable|rollout …`: a change for later.
struct FlagScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Schedule a change for a time: enable, disable, or a rollout; the server (or flag apply-due) applies it.",
        discussion: """
            The change is recorded as its own event when it is applied, so history shows when \
            it happened. Cancel it with flag unschedule <key> <id>.
            Examples:
              tenantry flag schedule new-billing --at 2026-12-01T09:00:00Z enable
              tenantry flag schedule new-billing --at 2026-12-08T09:00:00Z rollout 50
              tenantry flag schedule new-billing --at 2026-12-15T09:00:00Z rollout --off
            """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case enable, disable, rollout
    }

    @OptionGroup var flag: FlagSelection
    @Option(help: ArgumentHelp("When, as ISO 8601 (2026-12-01T09:00:00Z).", valueName: "time"))
    var at: String
    @Argument(help: ArgumentHelp("enable, disable or rollout.", valueName: "action"))
    var action: Action
    @Argument(help: ArgumentHelp("For rollout: the share that gets the variant, 0–100.", valueName: "percent"))
    var percent: Int?
    @Option(help: ArgumentHelp("For rollout: the variant (default: the only one besides the default).", valueName: "name"))
    var variant: String?
    @Option(help: ArgumentHelp("For rollout: hash this context attribute instead of the targeting key.", valueName: "attribute"))
    var bucketBy: String?
    @ArgumentParser.Flag(help: "For rollout: remove the rollout at that time.")
    var off = false
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try time()
        if action == .rollout {
            guard (percent != nil) != off else { throw ValidationError("rollout needs a percent, or --off to remove the rollout") }
            if let percent, !(0...100).contains(percent) {
                throw ValidationError("the rollout percent must be between 0 and 100, not \(percent)")
            }
        } else if percent != nil || variant != nil || bucketBy != nil || off {
            throw ValidationError("\(action.rawValue) takes no percent, --variant, --bucket-by or --off")
        }
    }

    private func time() throws -> Date {
        if let date = try? Date.ISO8601FormatStyle().parse(at) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(at) { return date }
        throw ValidationError("--at \"\(at)\" is not an ISO 8601 time such as 2026-12-01T09:00:00Z")
    }

    func run() async throws {
        let (key, change, time) = (try flag.flagKey, reason.change, try self.time())
        let scheduledAction: FlagAdministration.ScheduledAction = switch action {
        case .enable: .enable
        case .disable: .disable
        case .rollout: percent.map { .rollout(percent: $0, variant: variant, bucketBy: bucketBy) } ?? .removeRollout
        }
        let (changed, scheduled) = try await connection.withRuntime { runtime in
            try await runtime.flagAdministration.schedule(key, at: time, scheduledAction, by: change)
        }
        FlagOutput.printChange(
            changed,
            "\(FlagOutput.describe(scheduled.action)) scheduled at \(FlagOutput.timestamp(scheduled.at)) (id \(scheduled.id.uuidString.lowercased()))",
            json: output.json
        )
    }
}
