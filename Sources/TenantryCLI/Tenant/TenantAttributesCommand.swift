import ArgumentParser
import FeatureFlags
import Provisioning

/// `tenantry tenant attributes <slug> [k=v…] [--remove k…]`: the custom attributes flag rules
/// target as `tenant.<name>`.
struct TenantAttributesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attributes",
        abstract: "Set, remove or show a tenant's custom attributes (flag rules see them as tenant.<name>).",
        discussion: """
            Values are numbers, true/false, or text. With no changes, prints the attributes.
            Example:
              tenantry tenant attributes acme-corp region=eu seats=250 --remove legacy-billing
            """
    )

    @OptionGroup var tenant: TenantSelection
    @Argument(help: ArgumentHelp("Attributes to set.", valueName: "name=value"))
    var assignments: [String] = []
    @Option(name: .customLong("remove"), help: ArgumentHelp("An attribute to remove (repeatable).", valueName: "name"))
    var removals: [String] = []
    @Option(help: ArgumentHelp("Why; recorded with the event.", valueName: "text"))
    var reason: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var set: [String: TenantAttributeValue] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw UserInputError(message: "attribute \"\(assignment)\" must be name=value")
            }
            set[String(assignment[..<equals])] = TenantAttributeValue(parsing: String(assignment[assignment.index(after: equals)...]))
        }
        let (slug, removals, reason) = (tenant.slug, self.removals, self.reason)
        let state = try await connection.withRuntime { runtime in
            try await runtime.tenants.changeAttributes(slug, set: set, remove: removals, reason: reason, actor: Operator.actor)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(TenantOutput.json(state))))
        } else if state.attributes.isEmpty {
            StandardOutput.line("\(state.slug): no attributes")
        } else {
            for (name, value) in state.attributes.sorted(by: { $0.key < $1.key }) {
                StandardOutput.line("\(name)=\(value)")
            }
        }
    }
}
