import ArgumentParser
import FeatureFlags

/// `tenantry flag rule list <key>`.
struct FlagRuleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a flag's targeting rules in the order they are tried.",
        discussion: "Example:\n  tenantry flag rule list new-billing --json"
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let key = try flag.flagKey
        let current = try await connection.withRuntime { runtime in
            guard let flag = try await runtime.flags.load(key) else { throw FlagError.notFound(key.rawValue) }
            return flag
        }
        let rules = current.rules
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(rules.enumerated().map { FlagOutput.rule($0.element, position: $0.offset + 1) })))
            return
        }
        guard !rules.isEmpty else {
            StandardOutput.line("flag \(current.key) has no rules")
            return
        }
        var table = TextTable("POSITION", "NAME", "CONDITION", "VARIANT")
        for (index, rule) in rules.enumerated() {
            table.append([String(index + 1), rule.name, rule.condition.description, rule.variant])
        }
        StandardOutput.line(table.rendered)
    }
}
