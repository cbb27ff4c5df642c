import AdminTokens
import EventStore
import Foundation
import PostgresClient
import Provisioning
import Tenantry
import TestSupport
import Testing

@Suite("tenantry dev seed, end to end")
struct DevSeedTests {
    /// The enterprise demo tenant's database: fixed by its name, so dropped before and after.
    static let dedicatedDatabase = "tenantry_t_umbrella"

    @Test("seeds flags, a tenant per plan (enterprise dedicated) and an admin token into an empty database; the printed keys work; a second seed leaves the data alone")
    func seedOnceThenLeaveAlone() async throws {
        try await withTestDatabase { database async throws in
            // Inside: the test cluster is running once a test database exists.
            try await Self.dropDedicatedDatabase()
            let cli = FlagCLI(database)
            let first = try await cli.run("dev", "seed", "--server-url", "http://127.0.0.1:9999")
            #expect(first.status == 0, "\(first.standardError)")
            let output = first.standardOutput
            #expect(output.contains("Seeded a demo"), "\(output)")
            let keys = output.matches(of: /tnt_[A-Za-z0-9_-]{43}/).map { String($0.output) }
            let tokens = Set(output.matches(of: /tadm_[A-Za-z0-9_-]{43}/).map { String($0.output) })
            #expect(keys.count == 5, "four in the table, one in the OFREP example: \(output)")
            #expect(Set(keys).count == 4)
            #expect(tokens.count == 1)
            let token = try #require(tokens.first)
            #expect(output.contains("http://127.0.0.1:9999/v1/admin/tenants -H \"Authorization: Bearer \(token)\""))
            #expect(output.contains("http://127.0.0.1:9999/healthz"))
            #expect(output.contains("flag eval theme --tenant globex --context country=se"))

            let tenants = try #require(try await cli.json("tenant", "list", "--json") as? [[String: Any]])
            let plans = Dictionary(uniqueKeysWithValues: tenants.compactMap { tenant in
                (tenant["slug"] as? String).map { ($0, "\(tenant["plan"] ?? "") \(tenant["isolation"] ?? "") \(tenant["state"] ?? "")") }
            })
            #expect(plans == [
                "initech": "free pooled active", "hooli": "trial pooled active",
                "globex": "pro pooled active", "umbrella": "enterprise dedicated active",
            ])
            let databases = try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(Self.dedicatedDatabase)").rows.first?.decode(Int.self)
            }
            #expect(databases == 1)

            let flags = try #require(try await cli.json("flag", "list", "--json") as? [[String: Any]])
            #expect(flags.compactMap { $0["key"] as? String } == ["checkout-v2", "new-billing", "theme"])
            #expect(try await cli.eval("new-billing", tenant: "globex") == .init("true", "on", "TARGETING_MATCH"))
            #expect(try await cli.eval("new-billing", tenant: "initech") == .init("false", "off", "DEFAULT"))
            #expect(try await cli.eval("theme", tenant: "globex", "--context", "country=se") == .init(#""dark""#, "dark", "TARGETING_MATCH"))
            #expect(try await cli.eval("theme", tenant: "globex") == .init(#""light""#, "light", "DEFAULT"))

            // Every printed key is a live key of its tenant, and the token an admin token, as a
            // server's directories see them.
            let pool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 2)
            let store = EventLog(pool: pool)
            let directory = TenantDirectory.live(store: store)
            try await directory.catchUp()
            let owners = Set(keys.compactMap { directory.state.authenticate(apiKey: $0)?.tenant.slug })
            #expect(owners == ["initech", "hooli", "globex", "umbrella"])
            let admin = try await AdminTokenService(store: store).directory()
            #expect(admin.authenticate(token: token)?.label == "demo")
            await pool.close()

            let second = try await cli.run("dev", "seed")
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardOutput.contains("left it alone"), "\(second.standardOutput)")
            #expect(second.standardOutput.contains("(4 tenant(s), 3 flag(s))"))
            #expect(second.standardOutput.contains("admin token create"))
            #expect(second.standardOutput.firstMatch(of: /tnt_|tadm_/) == nil)
            #expect(try #require(try await cli.json("tenant", "list", "--json") as? [Any]).count == 4)
            #expect(try #require(try await cli.json("admin", "token", "list", "--json") as? [Any]).count == 1)
        }
        try await Self.dropDedicatedDatabase()
    }

    @Test("a database with a flag already is left alone: nothing is seeded")
    func flagsAloneBlockTheSeed() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            try await cli.succeed("flag", "define", "mine")
            let outcome = try await cli.run("dev", "seed")
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("(0 tenant(s), 1 flag(s))"), "\(outcome.standardOutput)")
            #expect(try #require(try await cli.json("tenant", "list", "--json") as? [Any]).isEmpty)
            #expect(try #require(try await cli.json("flag", "list", "--json") as? [Any]).count == 1)
        }
    }

    static func dropDedicatedDatabase() async throws {
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("DROP DATABASE IF EXISTS \(identifier: dedicatedDatabase) WITH (FORCE)")
        }
    }
}
