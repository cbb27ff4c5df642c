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
        }
    }
}
