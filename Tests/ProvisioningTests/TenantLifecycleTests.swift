import Foundation
@testable import Provisioning
import Testing

/// The tenant lifecycle's rules as pure decisions, without a database: what each command makes
/// of each state, and what the events do to the state (`TenantState.apply`).
@Suite("Tenant lifecycle rules, no database")
struct TenantLifecycleTests {
    static let registeredAt = Date(timeIntervalSince1970: 1_800_000_000)

    /// A tenant in `status`, on `plan`, as its events would leave it.
    static func tenant(_ status: TenantStatus, plan: Plan = .pro, trialEndsAt: Date? = nil) -> TenantState {
        let registered = TenantEvent.Registered(
            tenantId: UUID(), name: "Acme", slug: "acme", email: "ops@acme.example", plan: plan,
            isolation: plan.terms.isolation, clusterURL: nil
        )
        var state = TenantState(registered: registered, at: registeredAt, version: 1)
        var events: [TenantEvent] = []
        switch status {
        case .provisioning: break
        case .active: events = [.provisioned(.init(plan: plan))]
        case .suspended: events = [.provisioned(.init(plan: plan)), .suspended(.init(reason: "unpaid"))]
        case .failed: events = [.provisioningFailed(.init(step: .allocateStorage, reason: "disk full", compensationsOwed: nil))]
        case .offboarded: events = [.provisioned(.init(plan: plan)), .offboarded(.init(exportFile: "acme.jsonl", exportedEvents: 3))]
        }
        if let trialEndsAt { events.append(.trialStarted(.init(endsAt: trialEndsAt))) }
        for (offset, event) in events.enumerated() {
            state.apply(event, at: registeredAt, version: Int64(offset + 2))
        }
        return state
    }

    static func refusal(_ decide: () throws(TenantLifecycleError) -> [TenantEvent]) -> TenantLifecycleError? {
        do {
            _ = try decide()
            return nil
        } catch {
            return error
        }
    }

    @Test("suspend takes only an active tenant; resume only a suspended one", arguments: [TenantStatus.provisioning, .active, .suspended, .failed, .offboarded])
    func suspendAndResume(status: TenantStatus) {
        let state = Self.tenant(status)
        let suspended = Self.refusal { () throws(TenantLifecycleError) in try TenantLifecycle.suspend(state, reason: "r") }
        #expect((suspended == nil) == (status == .active))
        if status != .active {
            #expect(suspended == .illegalTransition(slug: "acme", from: status, action: "suspend"))
        }
        let resumed = Self.refusal { () throws(TenantLifecycleError) in try TenantLifecycle.reactivate(state, reason: "r") }
        #expect((resumed == nil) == (status == .suspended))
    }

    @Test("suspending and resuming fold back to the states they name")
    func suspendFoldsToSuspended() throws {
        var state = Self.tenant(.active)
        for event in try TenantLifecycle.suspend(state, reason: "unpaid") { state.apply(event, at: Self.registeredAt, version: state.version + 1) }
        #expect(state.status == .suspended)
        for event in try TenantLifecycle.reactivate(state, reason: "paid") { state.apply(event, at: Self.registeredAt, version: state.version + 1) }
        #expect(state.status == .active)
    }

    @Test("offboarding takes an active, suspended or failed tenant, never a provisioning or offboarded one", arguments: [TenantStatus.provisioning, .active, .suspended, .failed, .offboarded])
    func offboard(status: TenantStatus) {
        let refused = Self.refusal { () throws(TenantLifecycleError) in
            try TenantLifecycle.offboard(Self.tenant(status), exportFile: "x.jsonl", exportedEvents: 1)
        }
        let allowed: Set<TenantStatus> = [.active, .suspended, .failed]
        #expect((refused == nil) == allowed.contains(status))
        #expect(TenantLifecycle.canOffboard(status) == allowed.contains(status))
    }

    @Test("a plan change: only while active, never to the same plan or the trial; self-serve only to self-serve plans; never across isolation")
    func planChanges() throws {
        let pro = Self.tenant(.active, plan: .pro)
        #expect(try TenantLifecycle.changePlan(pro, to: .free, selfServe: true) == [.planChanged(.init(from: .pro, to: .free))])

        let same = Self.refusal { () throws(TenantLifecycleError) in try TenantLifecycle.changePlan(pro, to: .pro, selfServe: false) }
        #expect(same?.isPlanUnchanged == true)
        let trial = Self.refusal { () throws(TenantLifecycleError) in try TenantLifecycle.changePlan(pro, to: .trial, selfServe: false) }
        #expect(trial == .planNotAllowed(slug: "acme", plan: .trial, reason: "the trial is for new tenants only"))
        // Enterprise is sales-led (and dedicated): the tenant cannot ask for it, nor an operator move a pooled tenant there.
        let salesLed = Self.refusal { () throws(TenantLifecycleError) in try TenantLifecycle.changePlan(pro, to: .enterprise, selfServe: true) }
        #expect(salesLed == .planNotAllowed(slug: "acme", plan: .enterprise, reason: "it is sales-led: contact sales to move to it"))
        let isolation = Self.refusal { () throws(TenantLifecycleError) in try TenantLifecycle.changePlan(pro, to: .enterprise, selfServe: false) }
        #expect(isolation == .planNotAllowed(slug: "acme", plan: .enterprise, reason: "it needs dedicated isolation and the tenant is pooled"))
        #expect(isolation?.isPlanUnchanged == false)

        let suspended = Self.refusal { () throws(TenantLifecycleError) in try TenantLifecycle.changePlan(Self.tenant(.suspended), to: .free, selfServe: false) }
        #expect(suspended == .illegalTransition(slug: "acme", from: .suspended, action: "change the plan of"))
    }

    @Test("moving off the trial clears its end; the first paid plan is a milestone that stays after a downgrade")
    func planChangeFold() throws {
        let ends = Self.registeredAt.addingTimeInterval(14 * 86_400)
        var state = Self.tenant(.active, plan: .trial, trialEndsAt: ends)
        #expect(state.trialEndsAt == ends && state.firstPaidAt == nil)
        for event in try TenantLifecycle.changePlan(state, to: .pro, selfServe: true) { state.apply(event, at: Self.registeredAt, version: state.version + 1) }
        #expect(state.plan == .pro && state.trialEndsAt == nil && state.firstPaidAt != nil)
        for event in try TenantLifecycle.changePlan(state, to: .free, selfServe: true) { state.apply(event, at: Self.registeredAt, version: state.version + 1) }
        #expect(state.plan == .free && state.firstPaidAt != nil)
    }

    @Test("a trial expires at its end and not a moment before, falling back to the plan its terms name; nothing for other tenants")
    func trialExpiry() {
        let ends = Self.registeredAt.addingTimeInterval(14 * 86_400)
        let trial = Self.tenant(.active, plan: .trial, trialEndsAt: ends)
        #expect(TenantLifecycle.expireTrialIfDue(trial, at: ends.addingTimeInterval(-1)).isEmpty)
        let fallback = Plan.trial.terms.afterTrial ?? .free
        let expired = TenantLifecycle.expireTrialIfDue(trial, at: ends)
        #expect(expired == [.trialExpired(.init(fallbackPlan: fallback)), .planChanged(.init(from: .trial, to: fallback))])

        var state = trial
        for event in expired { state.apply(event, at: ends, version: state.version + 1) }
        #expect(state.plan == fallback && state.trialEndsAt == nil)
        #expect(TenantLifecycle.expireTrialIfDue(state, at: ends.addingTimeInterval(86_400)).isEmpty)

        #expect(TenantLifecycle.expireTrialIfDue(Self.tenant(.suspended, plan: .trial, trialEndsAt: ends), at: ends).isEmpty)
        #expect(TenantLifecycle.expireTrialIfDue(Self.tenant(.active, plan: .pro), at: ends).isEmpty)
    }

    @Test("attributes: a change that changes nothing is no event; removing an unset one is nothing; refused once offboarded")
    func attributes() throws {
        var state = Self.tenant(.active)
        let set = try TenantLifecycle.changeAttributes(state, set: ["region": .string("eu"), "seats": .number(5)], remove: ["absent"])
        #expect(set == [.attributesChanged(.init(set: ["region": .string("eu"), "seats": .number(5)], removed: []))])
        for event in set { state.apply(event, at: Self.registeredAt, version: state.version + 1) }
        #expect(try TenantLifecycle.changeAttributes(state, set: ["region": .string("eu")], remove: []).isEmpty)
        #expect(try TenantLifecycle.changeAttributes(state, set: ["region": .string("us")], remove: ["seats"])
            == [.attributesChanged(.init(set: ["region": .string("us")], removed: ["seats"]))])

        let offboarded = Self.refusal { () throws(TenantLifecycleError) in
            try TenantLifecycle.changeAttributes(Self.tenant(.offboarded), set: ["region": .string("eu")], remove: [])
        }
        #expect(offboarded == .illegalTransition(slug: "acme", from: .offboarded, action: "change the attributes of"))
    }

    @Test("the plan catalog: only enterprise is dedicated and sales-led; only the trial has days and a fallback, to a self-serve plan")
    func planCatalog() {
        for plan in Plan.allCases {
            let terms = plan.terms
            #expect((terms.isolation == .dedicated) == (plan == .enterprise))
            #expect(terms.isSelfServe == (plan != .enterprise))
            #expect((terms.trialDays != nil) == (plan == .trial))
            #expect((terms.afterTrial != nil) == (plan == .trial))
            if let fallback = terms.afterTrial { #expect(fallback.terms.isSelfServe && fallback != .trial) }
        }
    }
}
