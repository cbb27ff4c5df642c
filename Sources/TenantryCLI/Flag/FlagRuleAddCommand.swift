import ArgumentParser
import FeatureFlags
import Foundation
import Tenantry

/// `tenantry flag rule add <key> --variant V --when 'ATTR OP VALUE'`.
struct FlagRuleAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a targeting rule: when the context matches, serve the variant.",
        discussion: """
            A condition is ATTRIBUTE OPERATOR VALUE. Attributes: tenant.id, tenant.slug, \
            tenant.plan, tenant.state, tenant.isolation, tenant.createdAt (Unix seconds), \
            tenant.<custom attribute>, targetingKey, or what the caller sends (user.country). \
            Operators: eq ne in not-in starts-with ends-with contains lt le gt ge semver-eq \
            semver-lt semver-le semver-gt semver-ge. The value is JSON when it is JSON, else \
            text; in and not-in take a comma-separated list or a JSON array. Several --when \
            must all hold (any one with --any); --condition takes the JSON form instead \
            ({"all": [{"attribute": …, "operator": …, "value": …}, …]}, also @FILE or -).
            Examples:
              tenantry flag rule add new-billing --variant on --when 'tenant.plan eq pro'
              tenantry flag rule add theme --variant dark --when 'country in se,no,fi' \\
                  --name nordics --position 1
              tenantry flag rule add sso --variant on --any --when 'tenant.plan eq pro' \\
                  --when 'email ends-with @acme.example'
            """
    )

    @OptionGroup var flag: FlagSelection
    @Option(help: ArgumentHelp("The variant served when the rule matches.", valueName: "name"))
    var variant: String
    @Option(name: .customLong("when"), help: ArgumentHelp("A condition, 'ATTRIBUTE OPERATOR VALUE'; repeat for several.", valueName: "condition"))
    var conditions: [String] = []
    @ArgumentParser.Flag(name: .customLong("any"), help: "Match when any --when holds (default: all of them).")
    var matchAny = false
    @Option(help: ArgumentHelp("The condition as JSON (or @FILE, or - for stdin) instead of --when.", valueName: "json"))
    var condition: String?
    @Option(help: ArgumentHelp("The rule's name (default: r1, r2, … the first free).", valueName: "name"))
    var name: String?
    @Option(help: ArgumentHelp("Where the rule goes, 1 = tried first (default: last).", valueName: "n"))
    var position: Int?
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard conditions.isEmpty != (condition == nil) else {
            throw ValidationError("give the condition with --when (one or more) or with --condition, not both")
        }
        if condition != nil, matchAny { throw ValidationError("--any combines --when conditions; put \"any\" in the --condition JSON instead") }
        if let position, position < 1 { throw ValidationError("--position counts from 1") }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name is empty") }
        _ = try conditions.map(ConditionArgument.parse)
    }

    func run() async throws {
        let (key, change, variant, name) = (try flag.flagKey, reason.change, self.variant, self.name)
        let ruleCondition = try parsedCondition()
        let position = self.position
        let (changed, rule) = try await connection.withRuntime { runtime in
            try await runtime.flagAdministration.addRule(key, name: name, condition: ruleCondition, variant: variant, position: position, by: change)
        }
        let placed = (changed.rules.firstIndex { $0.name == rule.name } ?? 0) + 1
        FlagOutput.printChange(changed, "rule \(rule.name) (position \(placed)): \(rule.condition) → \(rule.variant)", json: output.json)
    }

    private func parsedCondition() throws -> Condition {
        if let condition {
            let text = try JSONArgument.read(condition, option: "--condition")
            do {
                return try JSONDecoder().decode(Condition.self, from: Data(text.utf8))
            } catch {
                throw UserInputError(message: "--condition is not a condition in JSON (attribute, operator, value; or all/any): \(error.localizedDescription)")
            }
        }
        let parsed = try conditions.map(ConditionArgument.parse)
        if parsed.count == 1, let only = parsed.first { return only }
        return matchAny ? .any(parsed) : .all(parsed)
    }
}
