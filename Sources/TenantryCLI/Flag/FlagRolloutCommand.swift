import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry flag rollout <key> <percent>`: a sticky percentage rollout.
struct FlagRolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Serve a variant to a sticky share of tenants (or users), after overrides and rules.",
        discussion: """
            Each tenant (or the caller's targeting key, or the --bucket-by attribute) falls in \
            the same bucket every time, so raising 10 to 20 keeps the first 10 % in. Those \
            outside the rollout fall through to the plan entitlement and the default. --variant \
            may be left out when the flag has one variant besides its default. --split gives \
            several variants shares in percent; what is left of 100 is not rolled out.
            Examples:
              tenantry flag rollout new-billing 25
              tenantry flag rollout theme 50 --variant dark --bucket-by email
              tenantry flag rollout checkout --split a=50 --split b=50
              tenantry flag rollout new-billing --off
            """
    )

    @OptionGroup var flag: FlagSelection
    @Argument(help: ArgumentHelp("The share that gets the variant, 0–100.", valueName: "percent"))
    var percent: Int?
    @Option(help: ArgumentHelp("The variant rolled out (default: the only one besides the default).", valueName: "name"))
    var variant: String?
    @Option(name: .customLong("split"), help: ArgumentHelp("A variant's share in percent, VARIANT=PERCENT; repeat for each.", valueName: "variant=percent"))
    var splits: [String] = []
    @Option(help: ArgumentHelp("Hash this context attribute instead of the targeting key (e.g. email).", valueName: "attribute"))
    var bucketBy: String?
    @ArgumentParser.Flag(help: "Remove the rollout.")
    var off = false
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        let ways = [percent != nil, !splits.isEmpty, off].filter { $0 }.count
        guard ways == 1 else { throw ValidationError("give a percent, --split VARIANT=PERCENT options, or --off") }
        if let percent, !(0...100).contains(percent) {
            throw ValidationError("the rollout percent must be between 0 and 100, not \(percent)")
        }
        if off, variant != nil || bucketBy != nil { throw ValidationError("--off takes no --variant or --bucket-by") }
        if !splits.isEmpty, variant != nil { throw ValidationError("--split names its variants; leave out --variant") }
        if let bucketBy, bucketBy.isEmpty { throw ValidationError("--bucket-by needs an attribute name") }
        _ = try parsedSplits()
    }

    /// `--split` as percent shares, checked as `FlagAdministration` will (each 0–100, at most
    /// 100 together); a bad one is a usage error.
    private func parsedSplits() throws -> [FlagAdministration.PercentSplit] {
        var result: [FlagAdministration.PercentSplit] = []
        for split in splits {
            let (name, text) = FlagVariants.split(split)
            guard !name.isEmpty, let text, let percent = Int(text), (0...100).contains(percent) else {
                throw ValidationError("--split \"\(split)\" is not VARIANT=PERCENT with a percent of 0 to 100")
            }
            result.append(FlagAdministration.PercentSplit(variant: name, percent: percent))
        }
        if !result.isEmpty {
            do {
                _ = try FlagAdministration.rollout(splits: result, bucketBy: bucketBy)
            } catch {
                throw ValidationError("--split: \(error.description)")
            }
        }
        return result
    }

    func run() async throws {
        let (key, change, percent, variant, bucketBy) = (try flag.flagKey, reason.change, self.percent, self.variant, self.bucketBy)
        let splits = try parsedSplits()
        let changed = try await connection.withRuntime { runtime in
            if off { return try await runtime.flags.setRollout(key, nil, by: change) }
            if let percent {
                return try await runtime.flagAdministration.setRollout(key, percent: percent, variant: variant, bucketBy: bucketBy, by: change)
            }
            return try await runtime.flagAdministration.setRollout(key, splits: splits, bucketBy: bucketBy, by: change)
        }
        FlagOutput.printChange(changed, changed.rollout.map { "rollout \(FlagOutput.describe($0))" } ?? "no rollout", json: output.json)
    }
}
