import Foundation
import Provisioning
import Tenantry
import TestSupport
import Testing

@Suite("The server's registry worker")
struct RegistryWorkerTests {
    @Test("signups reach the registry with nobody catching it up: the server's worker folds each, not the next sweep")
    func workerFoldsSignups() async throws {
        // Only the worker may fold the second signup: the trial check and the provisioning
        // sweep catch the registry up at the start and then not for an hour.
        try await withTestServer(tenants: [], configure: { configuration, _, _ in
            configuration.trialCheckInterval = .seconds(3_600)
            configuration.provisioningSweepInterval = .seconds(3_600)
        }) { server in
            for round in 1...2 {
                let outcome = try await server.runtime.tenants.create(
                    SignupRequest(email: "owner@registry.example", organization: "Registry \(round) \(UUID().uuidString.prefix(6))"),
                    actor: "test:registry"
                )
                #expect(outcome.tenant.status == .active)
                // The table itself, not a listing (every listing catches the registry up first).
                try await waitUntil("the registry shows signup \(round) active") {
                    try await TenantSummary.list(state: "active", plan: nil, on: server.runtime.operatorPool)
                        .contains { $0.id == outcome.tenant.id }
                }
            }
        }
    }
}
