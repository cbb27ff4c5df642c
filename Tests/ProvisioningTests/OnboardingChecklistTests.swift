import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Onboarding checklist: a projection of the tenant's events")
struct OnboardingChecklistTests {
    @Test("the steps have stable ids, in order")
    func stableIDs() {
        #expect(OnboardingChecklist.Step.allCases.map(\.rawValue) == [
            "account-created", "first-api-key", "create-api-key", "first-flag-evaluated", "upgraded",
        ])
        #expect(OnboardingChecklist.Step.allCases.allSatisfy { !$0.title.isEmpty })
    }

    @Test("a new trial tenant: account and first key done, the rest to do, each done step with its time")
    func newTenant() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@onboarding.example", organization: "Onboard \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let checklist = OnboardingChecklist(state: outcome.tenant)
            #expect(checklist.items.map(\.id) == OnboardingChecklist.Step.allCases.map(\.rawValue))
            #expect(checklist.items.map(\.done) == [true, true, false, false, false])
            #expect(checklist[.accountCreated].doneAt == outcome.tenant.provisionedAt)
            #expect(checklist[.accountCreated].doneAt != nil)
            #expect(checklist[.firstAPIKey].doneAt != nil)
            #expect(checklist.completedCount == 2)
            #expect(!checklist.isComplete)
            #expect(checklist.next?.step == .createAPIKey)
        }
    }

    @Test("each step is done by its event: a key created once active, the first evaluation, a paid plan; a downgrade keeps it done")
    func progress() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@onboarding.example", organization: "Onboard \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let service = runtime.tenants.lifecycle
            let id = outcome.tenant.id

            let (withKey, _) = try await service.issueAPIKey(id, label: "app", actor: "t")
            let afterKey = OnboardingChecklist(state: withKey)
            #expect(afterKey[.createAPIKey].done)
            #expect(afterKey.next?.step == .firstFlagEvaluated)

            let at = Date(timeIntervalSince1970: 1_800_000_000)
            let activated = try await service.recordActivation(id, keyID: try #require(outcome.apiKey).id, at: at)
            #expect(OnboardingChecklist(state: activated)[.firstFlagEvaluated].doneAt == at)
            #expect(OnboardingChecklist(state: activated).next?.step == .upgraded)

            let paid = try await service.changePlan(id, to: .pro, actor: "t")
            let complete = OnboardingChecklist(state: paid)
            #expect(complete.isComplete)
            #expect(complete.next == nil)
            let upgradedAt = try #require(complete[.upgraded].doneAt)

            let downgraded = try await service.changePlan(id, to: .free, actor: "t")
            #expect(OnboardingChecklist(state: downgraded)[.upgraded].doneAt == upgradedAt)
        }
    }

    @Test("moving to free (not a paid plan) does not count as upgraded")
    func freeIsNotPaid() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@onboarding.example", organization: "Onboard \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let free = try await runtime.tenants.lifecycle.changePlan(outcome.tenant.id, to: .free, actor: "t")
            #expect(!OnboardingChecklist(state: free)[.upgraded].done)
            #expect(!Plan.free.isPaid && !Plan.trial.isPaid && Plan.pro.isPaid && Plan.enterprise.isPaid)
        }
    }
}
