import Foundation
import Testing

@Suite("Admin API: reports", .serialized)
struct AdminReportRoutesTests {
    @Test("GET /v1/admin/reports/funnel is the funnel of tenant report funnel; a bad since is 400 naming it")
    func funnel() async throws {
        try await withAdminServer(tenants: ["Funnel One", "Funnel Two"]) { server async throws in
            let body = server.expect(200, try await server.call(.GET, "/v1/admin/reports/funnel"))
            let steps = try #require(body["steps"] as? [[String: Any]])
            #expect(steps.map { $0["stage"] as? String } == ["signed-up", "provisioned", "activated", "paid"])
            #expect(steps.first?["count"] as? Int == 2)
            #expect(steps[1]["count"] as? Int == 2)

            let recent = server.expect(200, try await server.call(.GET, "/v1/admin/reports/funnel?since=1h"))
            #expect((recent["steps"] as? [[String: Any]])?.first?["count"] as? Int == 2)
            let future = server.expect(200, try await server.call(.GET, "/v1/admin/reports/funnel?since=2999-01-01"))
            #expect((future["steps"] as? [[String: Any]])?.first?["count"] as? Int == 0)

            let bad = server.expect(400, try await server.call(.GET, "/v1/admin/reports/funnel?since=yesterday"))
            #expect(bad["field"] as? String == "since")
            _ = server.expect(401, try await server.call(.GET, "/v1/admin/reports/funnel", as: .none))

            // An age of up to a century; beyond, the start would have no ISO 8601 year to show.
            let century = server.expect(200, try await server.call(.GET, "/v1/admin/reports/funnel?since=36525d"))
            #expect((century["steps"] as? [[String: Any]])?.first?["count"] as? Int == 2)
            #expect((century["since"] as? String)?.hasPrefix("19") == true, "\(century)")
            for age in ["36526d", "99999999w", "9223372036854775807h"] {
                let refused = server.expect(400, try await server.call(.GET, "/v1/admin/reports/funnel?since=\(age)"))
                #expect(refused["field"] as? String == "since", "\(age)")
            }
            // A tenant's API key is no admin token: 403, as everywhere under /v1/admin.
            let tenantKey = try await server.call(.GET, "/v1/admin/reports/funnel", as: .bearer(server.tenants[0].apiKey))
            #expect(server.expect(403, tenantKey)["type"] as? String == "https://tenantry.dev/problems/admin-token-required")
        }
    }
}
