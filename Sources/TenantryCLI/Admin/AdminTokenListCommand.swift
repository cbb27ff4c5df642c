import AdminTokens
import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry admin token list`: every token ever issued, newest first.
struct AdminTokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List admin tokens, newest first: prefix, label, state, who issued them and when (never the tokens).",
        discussion: "Example:\n  tenantry admin token list --json"
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let tokens = try await connection.withRuntime { runtime in
            try await runtime.adminTokens.list()
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(tokens.map { .object(AdminTokenOutput.json($0)) })))
            return
        }
        guard !tokens.isEmpty else {
            StandardOutput.line("no admin tokens")
            return
        }
        var table = TextTable("ID", "PREFIX", "LABEL", "STATE", "ISSUED", "BY")
        for token in tokens {
            table.append([
                token.id.uuidString.lowercased(), token.prefix, token.label ?? "-", token.isRevoked ? "revoked" : "active",
                token.issuedAt.formatted(.iso8601), token.issuedBy ?? "-",
            ])
        }
        StandardOutput.line(table.rendered)
    }
}
