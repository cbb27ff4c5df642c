import EventStore
import FeatureFlags
import Foundation
import Provisioning
import RuntimeTestSupport
import TenantryServer
import TestSupport
import Testing

@Suite("The tenant's own audit trail leaves out what only operators may see")
struct AuditTrailPrivacyTests {
    @Test("GET /v1/tenant/events: no operator reason text, no targeting attributes; the tenant's own reasons stay")
    func operatorDetailsLeftOut() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let (tenant, key) = (server.tenant, server.apiKey)
            let administration = server.runtime.tenants
            _ = try await administration.suspend(tenant.slug, reason: "fraud review requested by ada@ops", actor: "operator:ada")
            _ = try await administration.changeAttributes(
                tenant.slug, set: ["churn-risk": .string("high-watchlist")], remove: [], reason: "quarterly review note", actor: "operator:ada")
            let resumed = try await administration.resume(tenant.slug, reason: "cleared after call with legal", actor: "admin:ops-token")
            try await server.waitForTenant(tenant.id, "active again") { $0.version >= resumed.version && $0.status == .active }
            _ = try await api.createKey(label: "after review", key: key)

            let trail = try await api.get("/v1/tenant/events?limit=500", key: key)
            #expect(trail.status == 200, "\(trail.text)")
            for secret in ["fraud review", "ada@ops", "churn-risk", "high-watchlist", "quarterly review note", "cleared after call", "legal"] {
                #expect(!trail.text.contains(secret), "\(secret) leaked: \(trail.text)")
            }
            let events = try #require(trail.jsonObject?["events"] as? [[String: Any]])
            let suspended = try #require(events.first { $0["type"] as? String == "TenantSuspended" })
            #expect(suspended["actor"] as? String == "operator")
            #expect(suspended["reason"] is NSNull)
            #expect((suspended["data"] as? [String: Any])?.isEmpty == true)
            // The tenant's own change keeps its reason.
            let issued = try #require(events.last { $0["type"] as? String == "APIKeyIssued" })
            #expect(issued["reason"] as? String == "API key issued")
            // The operator still sees everything.
            let history = try await server.runtime.tenants.lifecycle.history(tenant.id)
            #expect(history.contains { $0.dataJSON.contains("fraud review requested by ada@ops") })
        }
    }

    @Test("a dedicated tenant's clusterURL and database name, and failure text, are not in its audit trail")
    func infrastructureLeftOut() async throws {
        // No server: nothing must try to provision on the made-up cluster.
        try await withTestRuntime { runtime, _ async throws in
            let service = runtime.tenants.lifecycle
            let registration = try await service.register(
                SignupRequest(
                    email: "ops@dedicated.example", organization: "Dedicated \(UUID().uuidString.prefix(6))", plan: .enterprise,
                    clusterURL: "postgresql://cluster_admin@db-7.internal.example:5432/postgres"),
                actor: "operator:ada")
            let history = try await service.history(registration.tenant.id)
            #expect(history.first?.dataJSON.contains("db-7.internal.example") == true)
            let shown = history.map(TenantRepresentation.auditEvent)
            let text = String(decoding: JSONWriter.bytes(.array(shown)), as: UTF8.self)
            #expect(!text.contains("db-7.internal.example"))
            #expect(!text.contains("cluster_admin"))
            #expect(text.contains("TenantRegistered"))
            #expect(TenantEvent.operatorOnlyFields(ofType: "ProvisioningStepCompleted").contains("details.database"))
            #expect(TenantEvent.operatorOnlyFields(ofType: "TenantProvisioningFailed").contains("reason"))
            #expect(TenantEvent.operatorOnlyFields(ofType: "TenantOffboarded").contains("exportFile"))
        }
    }

}
