import FeatureFlags
import Foundation
import PostgresClient
import TenantryServer
import Testing

@Suite("Readiness and metrics")
struct ObservabilityTests {
    @Test("/readyz is 200 with each check when ready, and 503 naming the migration when the schema is behind")
    func readiness() async throws {
        try await withTestServer { server in
            let ready = try await server.client.send(.GET, "/readyz")
            #expect(ready.status == 200, "\(ready.text)")
            let checks = try #require(ready.jsonObject?["checks"] as? [String: [String: Any]])
            #expect(Set(checks.keys) == ["database", "migrations", "flag-catalog", "tenant-directory", "admin-tokens"])
            #expect(checks.values.allSatisfy { $0["ok"] as? Bool == true })

            // As if this release were newer than the schema: one migration not applied.
            try await PostgresConnection.withConnection(server.runtime.target.administratorConfiguration) { connection in
                try await connection.query("DELETE FROM tenantry.schema_migrations WHERE version = (SELECT max(version) FROM tenantry.schema_migrations)")
            }
            let behind = try await server.client.send(.GET, "/readyz")
            #expect(behind.status == 503)
            let migrations = (behind.jsonObject?["checks"] as? [String: [String: Any]])?["migrations"]
            #expect(migrations?["ok"] as? Bool == false)
            #expect((migrations?["detail"] as? String)?.contains("tenantry migrate") == true)
        }
    }

    @Test("/metrics is Prometheus text with requests by route template and status, appends and live-view lag; no tenant ids")
    func metrics() async throws {
        try await withTestServer { server in
            _ = try await server.client.send(.GET, "/healthz")
            // An append while the server (and so the metrics backend) runs.
            try await server.define(Flag(key: FlagKey("metered"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            _ = try await server.client.post("/ofrep/v1/evaluate/flags/missing-\(UUID().uuidString.prefix(8))", json: #"{"context":{}}"#, apiKey: server.apiKey)
            _ = try await server.client.send(.GET, "/no/such/route/\(UUID().uuidString)")
            let response = try await server.client.send(.GET, "/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            #expect(text.contains(#"hb_requests{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}"#))
            #expect(text.contains(#"http_route="/ofrep/v1/evaluate/flags/{key}""#))
            #expect(text.contains("http_server_request_duration"))
            #expect(text.contains("tenantry_events_appended_total"))
            #expect(text.contains(#"tenantry_flag_evaluations_total{outcome="FLAG_NOT_FOUND"}"#))
            #expect(text.contains(#"tenantry_live_view_behind_events{view="flag-catalog"}"#))
            // Bounded labels: no tenant id, no raw path of an unknown route, no flag key from a URL.
            #expect(!text.contains(server.tenant.id.uuidString.lowercased()))
            #expect(!text.contains("/no/such/route"))
            #expect(!text.contains("missing-"))
        }
    }
}
