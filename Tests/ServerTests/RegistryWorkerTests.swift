import Foundation
import Provisioning
import Tenantry
import TestSupport
import Testing

@Suite("The server's registry worker")
struct RegistryWorkerTests {
    @Test("a signup reaches the registry with nobody catching it up: the server's worker folds it within seconds, not at the next sweep")
    func workerFoldsSignups() async throws {
        try await withTestServer(tenants: []) { server in
            let outcome = try await server.runtime.tenants.create(
                SignupRequest(email: "owner@registry.example", organization: "Registry \(UUID().uuidString.prefix(6))"),
                actor: "test:registry"
            )
            #expect(outcome.tenant.status == .active)
            // The table itself, not a listing (every listing catches the registry up first).
            // Without the worker the provisioning sweep would fold it, 30 s after the start.
            try await waitUntil("the registry shows the new tenant active", timeout: .seconds(20)) {
                try await TenantSummary.list(state: "active", plan: nil, on: server.runtime.operatorPool)
                    .contains { $0.id == outcome.tenant.id }
            }
        }
    }
}
