import EventStore
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Activation: the first successful flag evaluation is recorded once")
struct ActivationTests {
    static func createTenant(_ runtime: TenantryRuntime) async throws -> (TenantState, APIKey) {
        let outcome = try await runtime.tenants.create(
            SignupRequest(email: "owner@activation.example", organization: "Active \(UUID().uuidString.prefix(6))"), actor: "test"
        )
        return (outcome.tenant, try #require(outcome.apiKey))
    }

    @Test("recorded with its time and key; a second recording writes nothing and keeps the first")
    func once() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, key) = try await Self.createTenant(runtime)
            #expect(tenant.activatedAt == nil)
            let service = runtime.tenants.lifecycle
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            let activated = try await service.recordActivation(tenant.id, keyID: key.id, at: at)
            #expect(activated.activatedAt == at)
            #expect(activated.activationKeyID == key.id)
            let version = activated.version

            let again = try await service.recordActivation(tenant.id, keyID: UUID(), at: Date())
            #expect(again.version == version)
            #expect(again.activatedAt == at)
            #expect(again.activationKeyID == key.id)

            let history = try await service.history(tenant.id)
            #expect(history.filter { $0.type == "TenantActivated" }.count == 1)
            let event = try #require(history.last)
            #expect(event.type == "TenantActivated")
            #expect(event.metadata.actor == "api-key:\(key.id.uuidString.lowercased())")
            #expect(try await service.load(tenant.id)?.activatedAt == at)
        }
    }

    @Test("eight recordings racing for the same version: exactly one TenantActivated")
    func racingRecordings() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, key) = try await Self.createTenant(runtime)
            // Every writer holds before its append until all eight have decided on the same
            // version (not activated yet), so seven appends must fail their expected version.
            let barrier = Barrier(parties: 8)
            let racing = TenantService(store: runtime.operatorEventStore, beforeAppend: { _ in try await barrier.arrive() })
            let states = try await withThrowingTaskGroup(of: TenantState.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await racing.recordActivation(tenant.id, keyID: key.id, at: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(await barrier.arrivals == 8)
            let history = try await runtime.tenants.lifecycle.history(tenant.id)
            let activations = history.filter { $0.type == "TenantActivated" }
            #expect(activations.count == 1)
            let recorded = try #require(try await runtime.tenants.lifecycle.load(tenant.id)?.activatedAt)
            // Every caller, winner or loser, sees the one activation that was recorded.
            #expect(states.allSatisfy { $0.activatedAt == recorded })
        }
    }

    @Test("the live directory folds TenantActivated into the tenant's state")
    func directoryFolds() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, key) = try await Self.createTenant(runtime)
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            try await runtime.tenants.lifecycle.recordActivation(tenant.id, keyID: key.id, at: at)
            var directory = TenantDirectory()
            for event in try await runtime.tenants.lifecycle.history(tenant.id) { try directory.apply(event) }
            #expect(directory.tenant(tenant.id)?.activatedAt == at)
            #expect(directory.authenticate(apiKey: key.secret)?.tenant.activatedAt == at)
        }
    }
}
