import EventStore
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Funnel report: signups → provisioned → activated → paid, from the event store alone")
struct FunnelReportTests {
    /// Five tenants: one fails provisioning, one stays a trial, one is activated, one is
    /// activated and pays, one pays without ever evaluating a flag.
    static func populate(_ runtime: TenantryRuntime) async throws -> [String: TenantState] {
        let service = runtime.tenants.lifecycle
        var tenants: [String: TenantState] = [:]
        for name in ["Failing", "Trial", "Activated", "Paying", "PaidOnly"] {
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@funnel.example", organization: "\(name) \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            var state = outcome.tenant
            if let key = outcome.apiKey, ["Activated", "Paying"].contains(name) {
                state = try await service.recordActivation(state.id, keyID: key.id, at: Date())
            }
            if ["Paying", "PaidOnly"].contains(name) {
                state = try await service.changePlan(state.id, to: .pro, actor: "t")
            }
            tenants[name] = state
        }
        return tenants
    }

    static let failFirst: ProvisioningSaga.StepHook = { step, state in
        if step == .seedEntitlements, state.name.hasPrefix("Failing") { throw InjectedFailure() }
    }

    @Test("counts each strict step and the conversions between them")
    func counts() async throws {
        try await withTestRuntime(beforeProvisioningStep: Self.failFirst) { runtime, _ async throws in
            let tenants = try await Self.populate(runtime)
            #expect(tenants["Failing"]?.status == .failed)
            let report = try await runtime.funnelReport()
            #expect(report.steps.map(\.stage) == [.signedUp, .provisioned, .activated, .paid])
            #expect(report.steps.map(\.count) == [5, 4, 2, 1])
            #expect(report.steps.map(\.conversionFromPrevious) == [nil, 0.8, 0.5, 0.5])
            #expect(report.steps.map(\.conversionFromStart) == [1, 0.8, 0.4, 0.2])
            #expect(report.overallConversion == 0.2)
            #expect(report.since == nil)
        }
    }

    @Test("since keeps the tenants registered at or after it; nobody there gives counts of 0 and no rates")
    func since() async throws {
        try await withTestRuntime(beforeProvisioningStep: Self.failFirst) { runtime, _ async throws in
            let tenants = try await Self.populate(runtime)
            // Registered in this order: Failing, Trial, Activated, Paying, PaidOnly.
            let activated = try #require(tenants["Activated"])
            let registeredAt = try #require(try await runtime.tenants.lifecycle.history(activated.id).first?.recordedAt)
            let cohort = try await runtime.funnelReport(since: registeredAt)
            #expect(cohort.steps.map(\.count) == [3, 3, 2, 1])
            #expect(cohort.since == registeredAt)

            let future = try await runtime.funnelReport(since: Date().addingTimeInterval(3600))
            #expect(future.steps.map(\.count) == [0, 0, 0, 0])
            #expect(future.steps.allSatisfy { $0.conversionFromPrevious == nil && $0.conversionFromStart == nil })
            #expect(future.overallConversion == nil)
        }
    }

    @Test("a tenant provisioned on a paid plan counts as paid once activated; events of other streams are ignored")
    func computedFromEvents() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let service = runtime.tenants.lifecycle
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@funnel.example", organization: "Straight \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            try await service.recordActivation(outcome.tenant.id, keyID: try #require(outcome.apiKey).id, at: Date())
            _ = try await service.changePlan(outcome.tenant.id, to: .pro, actor: "t")
            // A tenant's own stream named like the control plane's must not count.
            let impostor = UUID()
            try await runtime.eventStore.append(
                [NewEvent(type: "TenantRegistered", dataJSON: #"{"tenantId":"\#(impostor.uuidString.lowercased())","name":"x","slug":"x","email":"x@x.example","plan":"pro","isolation":"pooled"}"#)],
                to: StreamName("tenant-\(impostor.uuidString.lowercased())"), tenant: outcome.tenant.id
            )
            // Category reads, not the feed: the feed holds back events behind any transaction
            // still running on the cluster, e.g. another test's.
            let controlPlane = try await runtime.operatorEventStore.readCategory("tenant", tenant: ControlPlane.tenantID)
            let ownStreams = try await runtime.operatorEventStore.readCategory("tenant", tenant: outcome.tenant.id)
            #expect(ownStreams.map(\.type) == ["TenantRegistered"])
            let events = controlPlane + ownStreams
            let report = try FunnelReport(events: events, since: nil)
            #expect(report.steps.map(\.count) == [1, 1, 1, 1])
            #expect(try await runtime.funnelReport() == report)
        }
    }
}
