import EventStore
import Foundation
import PostgresClient
import Provisioning
import TestSupport
import Testing

@Suite("tenantry report funnel, end to end")
struct ReportCommandTests {
    @Test("counts and conversions from the event store, as a table and as JSON; --since narrows the cohort")
    func funnel() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            var ids: [UUID] = []
            var keys: [UUID] = []
            for name in ["Initech", "Hooli", "Pied Piper", "Aviato"] {
                let created = try await TenantryProcess.run(["tenant", "create", name, "--email", "ceo@funnel.example", "--json"], environment: env)
                #expect(created.status == 0, "\(created.standardError)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
                ids.append(try #require((object["id"] as? String).flatMap(UUID.init(uuidString:))))
            }
            // Two evaluate a flag (what the server records), one of them pays.
            let pool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 2)
            do {
                let service = TenantService(store: EventLog(pool: pool))
                for id in ids.prefix(2) {
                    let state = try #require(try await service.load(id))
                    keys.append(try #require(state.apiKeys.keys.first))
                    try await service.recordActivation(id, keyID: keys[keys.count - 1], at: Date())
                }
                await pool.close()
            } catch {
                await pool.close()
                throw error
            }
            #expect(try await TenantryProcess.run(["tenant", "plan", "initech", "pro"], environment: env).status == 0)

            let json = try await TenantryProcess.run(["report", "funnel", "--json"], environment: env)
            #expect(json.status == 0, "\(json.standardError)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
            let steps = try #require(report["steps"] as? [[String: Any]])
            #expect(steps.compactMap { $0["step"] as? String } == ["signed-up", "provisioned", "activated", "paid"])
            #expect(steps.compactMap { $0["count"] as? Int } == [4, 4, 2, 1])
            #expect(steps.first?["conversionFromPrevious"] is NSNull)
            #expect(steps.compactMap { $0["conversionFromPrevious"] as? Double } == [1, 0.5, 0.5])
            #expect(report["overallConversion"] as? Double == 0.25)
            #expect(report["since"] is NSNull)

            let table = try await TenantryProcess.run(["report", "funnel"], environment: env)
            #expect(table.status == 0, "\(table.standardError)")
            let lines = table.lines
            #expect(lines.first?.hasPrefix("STEP") == true)
            #expect(lines.contains { $0.hasPrefix("activated") && $0.contains("2") && $0.contains("50.0%") })
            #expect(table.standardOutput.contains("overall conversion (signed up → paid): 25.0%"))

            for since in ["1h", "2000-01-01", "2000-01-01T00:00:00Z"] {
                let recent = try await TenantryProcess.run(["report", "funnel", "--since", since, "--json"], environment: env)
                #expect(recent.status == 0, "\(since): \(recent.standardError)")
                #expect(recent.standardOutput.contains(#""count":4"#), "\(since): \(recent.standardOutput)")
            }
            let future = try await TenantryProcess.run(["report", "funnel", "--since", "2999-01-01", "--json"], environment: env)
            let empty = try #require(try JSONSerialization.jsonObject(with: Data(future.standardOutput.utf8)) as? [String: Any])
            #expect((empty["steps"] as? [[String: Any]])?.compactMap { $0["count"] as? Int } == [0, 0, 0, 0])
            #expect(empty["overallConversion"] is NSNull)
            #expect(empty["since"] as? String == "2999-01-01T00:00:00Z")

            let bad = try await TenantryProcess.run(["report", "funnel", "--since", "yesterday"], environment: env)
            #expect(bad.status == 64)
            #expect(bad.standardError.contains("--since"))
        }
    }
}
