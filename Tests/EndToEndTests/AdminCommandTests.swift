import AdminTokens
import EventStore
import Foundation
import PostgresClient
import Tenantry
import TestSupport
import Testing

@Suite("tenantry admin token, end to end")
struct AdminCommandTests {
    @Test("create prints the token once and how to use it; list shows it (never the token); revoke by prefix stops it")
    func createListRevoke() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let created = try await cli.succeed("admin", "token", "create", "--label", "ci-deploy", "--reason", "release pipeline")
            let token = try #require(created.firstMatch(of: /tadm_[A-Za-z0-9_-]{43}/).map { String($0.output) }, "\(created)")
            #expect(created.contains("shown this once"))
            #expect(created.contains("Authorization: Bearer \(token)"))
            let prefix = String(token.prefix(12))

            let listed = try await cli.succeed("admin", "token", "list")
            #expect(listed.contains(prefix) && listed.contains("ci-deploy") && listed.contains("active"), "\(listed)")
            #expect(!listed.contains(token))
            let json = try #require(try await cli.json("admin", "token", "list", "--json") as? [[String: Any]])
            #expect(json.count == 1)
            #expect(json.first?["prefix"] as? String == prefix)
            #expect(json.first?["label"] as? String == "ci-deploy")
            #expect((json.first?["issuedBy"] as? String)?.hasPrefix("operator:") == true)

            // The token authenticates, as a server's directory sees it, until it is revoked.
            let pool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
            let store = EventLog(pool: pool)
            var directory = try await AdminTokenService(store: store).directory()
            #expect(directory.authenticate(token: token)?.label == "ci-deploy")

            let revoked = try await cli.succeed("admin", "token", "revoke", prefix, "--reason", "rotated")
            #expect(revoked.contains("\(prefix)… revoked"), "\(revoked)")
            directory = try await AdminTokenService(store: store).directory()
            #expect(directory.authenticate(token: token) == nil)
            await pool.close()
            let after = try #require(try await cli.json("admin", "token", "list", "--json") as? [[String: Any]])
            #expect(after.first?["state"] as? String == "revoked")
        }
    }

    @Test("create --json prints the token for scripts; revoke by id")
    func json() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let created = try #require(try await cli.json("admin", "token", "create", "--json") as? [String: Any])
            let token = try #require(created["token"] as? String)
            #expect(token.hasPrefix("tadm_"))
            #expect(created["label"] is NSNull)
            let id = try #require(created["id"] as? String)
            let revoked = try #require(try await cli.json("admin", "token", "revoke", id, "--json") as? [String: Any])
            #expect(revoked["state"] as? String == "revoked")
            #expect(revoked["token"] == nil)
        }
    }

    @Test("refusals are one line with their exit status: unknown (66), revoked already or malformed (65), bad options (64)")
    func refusals() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let created = try #require(try await cli.json("admin", "token", "create", "--json") as? [String: Any])
            let prefix = try #require(created["prefix"] as? String)
            try await cli.succeed("admin", "token", "revoke", prefix)
            let cases: [(arguments: [String], status: Int32, message: String)] = [
                (["admin", "token", "revoke", prefix], 65, "revoked already"),
                (["admin", "token", "revoke", "tadm_zzzzzzz"], 66, "no admin token"),
                (["admin", "token", "revoke", UUID().uuidString], 66, "no admin token"),
                (["admin", "token", "revoke", "what"], 65, "neither a token id nor a token prefix"),
                (["admin", "token", "create", "--label", "two words"], 64, "invalid label"),
                (["admin", "token", "create", "--reason", ""], 64, "--reason"),
            ]
            for refusal in cases {
                let outcome = try await cli.run(refusal.arguments)
                let command = refusal.arguments.joined(separator: " ")
                #expect(outcome.status == refusal.status, "\(command): \(outcome.standardError)")
                #expect(outcome.standardError.hasPrefix("error: "), "\(command)")
                #expect(outcome.standardError.filter { $0 == "\n" }.count == 1, "\(command): \(outcome.standardError)")
                #expect(outcome.standardError.contains(refusal.message), "\(command): \(outcome.standardError)")
            }
            let listed = try #require(try await cli.json("admin", "token", "list", "--json") as? [[String: Any]])
            #expect(listed.count == 1)
        }
    }
}
