import AdminTokens
import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry admin token revoke <id|prefix>`.
struct AdminTokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke an admin token: it stops working in every running server within milliseconds.",
        discussion: """
            Name the token by its id or its prefix (tadm_ and 7 characters, as list shows).
            Example:
              tenantry admin token revoke tadm_AbC1dEf --reason "laptop lost"
            """
    )

    @Argument(help: ArgumentHelp("The token's id, or its prefix (tadm_…).", valueName: "id|prefix"))
    var token: String
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (token, reason) = (self.token, self.reason.reason)
        let revoked = try await AdminTokenFailure.translating {
            try await connection.withRuntime { runtime in
                try await runtime.adminTokens.revoke(token, actor: Operator.actor, reason: reason)
            }
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(AdminTokenOutput.json(revoked))))
        } else {
            StandardOutput.line("admin token \(revoked.prefix)… revoked")
        }
    }
}
