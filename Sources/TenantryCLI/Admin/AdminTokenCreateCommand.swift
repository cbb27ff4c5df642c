import AdminTokens
import ArgumentParser
import FeatureFlags
import Foundation
import Tenantry

/// `tenantry admin token create`: a new admin token, printed once.
struct AdminTokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Issue an admin token and print it, this once.",
        discussion: """
            The label names the token in listings and signs what it changes (actor \
            admin:<label>, else admin:<prefix>).
            Examples:
              tenantry admin token create --label ci-deploy --reason "release pipeline"
              tenantry admin token create --json | jq -r .token
            """
    )

    @Option(help: ArgumentHelp("A name for the token: 1-64 letters, digits, '-', '_', '.', '@'.", valueName: "label"))
    var label: String?
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let label, let problem = AdminTokenService.problem(withLabel: label) { throw ValidationError("--label: \(problem)") }
    }

    func run() async throws {
        let (label, reason) = (self.label, self.reason.reason)
        let issued = try await AdminTokenFailure.translating {
            try await connection.withRuntime { runtime in
                try await runtime.adminTokens.issue(label: label, actor: Operator.actor, reason: reason)
            }
        }
        if output.json {
            var json = AdminTokenOutput.json(issued.record)
            json["token"] = .string(issued.secret)
            StandardOutput.line(JSONWriter.compact(.object(json)))
            return
        }
        StandardOutput.line("admin token \(issued.record.prefix)… (id \(issued.record.id.uuidString.lowercased()))"
            + (label.map { ", label \($0)" } ?? ""))
        StandardOutput.line("")
        StandardOutput.line("Token (shown this once; store it now):")
        StandardOutput.line("  \(issued.secret)")
        StandardOutput.line("")
        StandardOutput.line("Use it as a bearer token on the admin API:")
        StandardOutput.line("  curl -s http://127.0.0.1:8080/v1/admin/tenants -H \"Authorization: Bearer \(issued.secret)\"")
        StandardOutput.line("Revoke it with:")
        StandardOutput.line("  \(CommandLine.arguments.first ?? "tenantry") admin token revoke \(issued.record.prefix)")
    }
}
