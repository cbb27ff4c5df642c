import ArgumentParser
import FeatureFlags
import Tenantry
import Foundation

/// `tenantry flag show <key>`: everything about one flag.
struct FlagShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a flag as its events say it is: variants, targeting, entitlements, prerequisites and scheduled changes.",
        discussion: "Example:\n  tenantry flag show new-billing --json"
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let key = try flag.flagKey
        let (shown, slugs) = try await connection.withRuntime { runtime in
            guard let flag = try await runtime.flags.load(key) else { throw FlagError.notFound(key.rawValue) }
            return (flag, try await runtime.flagAdministration.slugs())
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(FlagOutput.json(shown, slugs: slugs))))
        } else {
            Self.lines(shown, slugs: slugs).forEach { StandardOutput.line($0) }
        }
    }

    static func lines(_ flag: FeatureFlags.Flag, slugs: [UUID: String]) -> [String] {
        var lines = [
            "key:            \(flag.key)",
            "type:           \(flag.type.rawValue)",
            "state:          \(flag.isArchived ? "archived" : flag.isEnabled ? "enabled" : "disabled")",
            "variants:       \(FlagOutput.variants(flag))",
            "default:        \(FlagOutput.defaultName(flag.defaultVariant))",
        ]
        if !flag.description.isEmpty { lines.append("description:    \(flag.description)") }
        if !flag.metadata.isEmpty {
            lines.append("metadata:       " + flag.metadata.keys.sorted().map { "\($0)=\(flag.metadata[$0]?.compactJSON ?? "null")" }.joined(separator: ", "))
        }
        lines.append("prerequisites:  " + flag.prerequisites.map { "\($0.flag)=\($0.variant)" }.joined(separator: ", ").ifEmpty("none"))
        lines.append("overrides:      " + FlagOutput.sortedOverrides(flag, slugs: slugs).map { "\($0.slug ?? $0.tenant.uuidString.lowercased())=\($0.variant)" }.joined(separator: ", ").ifEmpty("none"))
        if let flagd = flag.flagdTargeting {
            // Imported from flagd: its JsonLogic decides, as in flagd.
            lines.append("targeting:      flagd JsonLogic, fractional \(flagd.fractional.rawValue): " + (flagd.expression?.compactJSON ?? "none"))
        } else {
            lines.append(flag.rules.isEmpty ? "rules:          none" : "rules:")
            for (index, rule) in flag.rules.enumerated() {
                lines.append("  \(index + 1). \(rule.name): \(rule.condition) → \(rule.variant)")
            }
            lines.append("rollout:        " + (flag.rollout.map(FlagOutput.describe) ?? "none"))
            lines.append("entitlements:   " + flag.entitlements.keys.sorted().map { "\($0)=\(flag.entitlements[$0] ?? "")" }.joined(separator: ", ").ifEmpty("none"))
        }
        lines.append(flag.scheduledChanges.isEmpty ? "scheduled:      none" : "scheduled:")
        for scheduled in flag.scheduledChanges {
            lines.append("  \(FlagOutput.timestamp(scheduled.at))  \(FlagOutput.describe(scheduled.action))  (id \(scheduled.id.uuidString.lowercased()))")
        }
        lines.append("created:        \(FlagOutput.timestamp(flag.createdAt))")
        lines.append("changed:        \(FlagOutput.timestamp(flag.updatedAt)) (version \(flag.version))")
        return lines
    }
}
