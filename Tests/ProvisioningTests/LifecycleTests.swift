import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Tenant lifecycle")
struct LifecycleTests {
    static func signup(_ name: String = "Acme \(UUID().uuidString.prefix(6))", plan: Plan = .trial, key: String? = nil) -> SignupRequest {
        SignupRequest(email: "owner@acme.example", organization: name, plan: plan, idempotencyKey: key)
    }

    @Test("signup provisions an active trial tenant with a slug, a first API key (stored hashed) and its trial")
    func signupToActive() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(Self.signup("Ålborg Café & Co."), actor: "test")
            let tenant = outcome.tenant
            #expect(tenant.status == .active)
            #expect(tenant.slug == "alborg-cafe-co")
            #expect(tenant.plan == .trial)
            let trialEnd = try #require(tenant.trialEndsAt)
            #expect(abs(trialEnd.timeIntervalSinceNow - 14 * 86_400) < 120)
            let key = try #require(outcome.apiKey)
            #expect(key.secret.hasPrefix("tnt_"))
            // Only the hash is stored.
            let history = try await runtime.tenants.lifecycle.history(tenant.id)
            #expect(!history.contains { $0.dataJSON.contains(key.secret) })
            #expect(tenant.apiKeys.count == 1)
            #expect(Set(tenant.completedSteps.keys) == Set(ProvisioningStep.allCases))
            let listed = try await runtime.tenants.list(state: "active", plan: nil)
            #expect(listed.map(\.slug) == [tenant.slug])
        }
    }

    @Test("a retried signup with the same idempotency key returns the first tenant and creates nothing")
    func idempotentSignup() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let request = Self.signup(key: "signup-\(UUID().uuidString)")
            let first = try await runtime.tenants.create(request, actor: "test")
            let retry = try await runtime.tenants.create(request, actor: "test")
            #expect(retry.tenant.id == first.tenant.id)
            #expect(retry.apiKey == nil)
            #expect(try await runtime.tenants.list(state: nil, plan: nil).count == 1)
            #expect(try await runtime.tenants.lifecycle.history(first.tenant.id).count == first.tenant.version)
        }
    }

    @Test("the same organisation name twice gets two unique slugs")
    func uniqueSlugs() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let a = try await runtime.tenants.create(Self.signup("Umbrella"), actor: "test")
            let b = try await runtime.tenants.create(Self.signup("Umbrella"), actor: "test")
            #expect(a.tenant.slug == "umbrella")
            #expect(b.tenant.slug == "umbrella-2")
        }
    }

    @Test("legal transitions: suspend, resume, change plan; each recorded with actor and reason")
    func legalTransitions() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let id = try await runtime.tenants.create(Self.signup(), actor: "test").tenant.id
            let service = runtime.tenants.lifecycle
            #expect(try await service.suspend(id, reason: "unpaid", actor: "operator:ada").status == .suspended)
            #expect(try await service.reactivate(id, reason: "paid", actor: "operator:ada").status == .active)
            let upgraded = try await service.changePlan(id, to: .pro, actor: "operator:ada")
            #expect(upgraded.plan == .pro)
            #expect(upgraded.trialEndsAt == nil)
            let last = try #require(try await service.history(id).last)
            #expect(last.type == "PlanChanged")
            #expect(last.metadata.actor == "operator:ada")
        }
    }

    struct IllegalCase: Sendable, CustomTestStringConvertible {
        let label: String
        let prepare: @Sendable (TenantService, UUID) async throws -> Void
        let attempt: @Sendable (TenantService, UUID) async throws -> Void
        var testDescription: String { label }
    }

    static let illegal: [IllegalCase] = [
        IllegalCase(label: "resume an active tenant", prepare: { _, _ in }, attempt: { _ = try await $0.reactivate($1, reason: "x", actor: "t") }),
        IllegalCase(label: "suspend a suspended tenant", prepare: { _ = try await $0.suspend($1, reason: "x", actor: "t") },
                    attempt: { _ = try await $0.suspend($1, reason: "x", actor: "t") }),
        IllegalCase(label: "change the plan of a suspended tenant", prepare: { _ = try await $0.suspend($1, reason: "x", actor: "t") },
                    attempt: { _ = try await $0.changePlan($1, to: .pro, actor: "t") }),
        IllegalCase(label: "move a pooled tenant to enterprise", prepare: { _, _ in }, attempt: { _ = try await $0.changePlan($1, to: .enterprise, actor: "t") }),
        IllegalCase(label: "move back to the trial", prepare: { _ = try await $0.changePlan($1, to: .pro, actor: "t") },
                    attempt: { _ = try await $0.changePlan($1, to: .trial, actor: "t") }),
        IllegalCase(label: "resume an offboarded tenant",
                    prepare: { _ = try await $0.markOffboarded($1, exportFile: "/dev/null", exportedEvents: 0, actor: "t", reason: "x") },
                    attempt: { _ = try await $0.reactivate($1, reason: "x", actor: "t") }),
        IllegalCase(label: "offboard an offboarded tenant",
                    prepare: { _ = try await $0.markOffboarded($1, exportFile: "/dev/null", exportedEvents: 0, actor: "t", reason: "x") },
                    attempt: { _ = try await $0.markOffboarded($1, exportFile: "/dev/null", exportedEvents: 0, actor: "t", reason: "x") }),
        IllegalCase(label: "suspend an offboarded tenant",
                    prepare: { _ = try await $0.markOffboarded($1, exportFile: "/dev/null", exportedEvents: 0, actor: "t", reason: "x") },
                    attempt: { _ = try await $0.suspend($1, reason: "x", actor: "t") }),
    ]

    @Test("illegal transitions are refused with a clear error and write nothing", arguments: illegal)
    func illegalTransitions(_ testCase: IllegalCase) async throws {
        try await withTestRuntime { runtime, _ async throws in
            let service = runtime.tenants.lifecycle
            let id = try await runtime.tenants.create(Self.signup(), actor: "test").tenant.id
            try await testCase.prepare(service, id)
            let before = try await service.history(id).count
            let error = await #expect(throws: TenantLifecycleError.self) { try await testCase.attempt(service, id) }
            #expect(error?.description.isEmpty == false)
            #expect(try await service.history(id).count == before)
        }
    }

    @Test("a tenant still provisioning can be neither suspended nor offboarded")
    func provisioningTenantIsLocked() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let service = runtime.tenants.lifecycle
            let tenant = try await service.register(Self.signup(), actor: "test").tenant
            #expect(tenant.status == .provisioning)
            await #expect(throws: TenantLifecycleError.self) { _ = try await service.suspend(tenant.id, reason: "x", actor: "t") }
            await #expect(throws: TenantLifecycleError.self) {
                _ = try await service.markOffboarded(tenant.id, exportFile: "/dev/null", exportedEvents: 0, actor: "t", reason: "x")
            }
            #expect(try await service.history(tenant.id).count == 1)
        }
    }

    @Test("a failed tenant can be offboarded but not resumed")
    func failedTenant() async throws {
        let hook: ProvisioningSaga.StepHook = { step, _ in if step == .activate { throw InjectedFailure() } }
        try await withTestRuntime(beforeProvisioningStep: hook) { runtime, _ async throws in
            let service = runtime.tenants.lifecycle
            let failed = try await runtime.tenants.create(Self.signup(), actor: "test").tenant
            #expect(failed.status == .failed)
            await #expect(throws: TenantLifecycleError.self) { _ = try await service.reactivate(failed.id, reason: "x", actor: "t") }
            let export = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-failed-\(UUID()).jsonl")
            defer { try? FileManager.default.removeItem(at: export) }
            let (offboarded, exported) = try await runtime.tenants.offboard(failed.id, exportTo: export.path, actor: "t", reason: "cleanup")
            #expect(offboarded.status == .offboarded)
            #expect(exported == failed.version)
        }
    }

    @Test("offboarding a pooled tenant exports its events, then deletes its rows from the shared database, and says what it deleted")
    func offboardingPurgesPooledRows() async throws {
        try await withTestRuntime { runtime, database async throws in
            let tenant = try await runtime.tenants.create(Self.signup(), actor: "test").tenant
            for n in 1...2 {
                try await runtime.eventStore.append([try NewEvent(type: "Noted", data: ["n": n])], to: try StreamName("doc-\(n)"), tenant: tenant.id)
            }
            let export = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-purged-\(UUID()).jsonl")
            defer { try? FileManager.default.removeItem(at: export) }
            let outcome = try await runtime.tenants.offboard(tenant.id, exportTo: export.path, actor: "t", reason: "contract ended", keepingPooledEvents: false)
            #expect(outcome.tenant.status == .offboarded)
            guard case .purged(let receipt) = outcome.pooledRows else {
                Issue.record("not purged: \(outcome.pooledRows)")
                return
            }
            #expect(receipt.events == 2 && receipt.streams == 2)
            #expect(try String(contentsOf: export, encoding: .utf8).components(separatedBy: "\"Noted\"").count - 1 == 2)
            let left = try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("""
                    SELECT (SELECT count(*) FROM tenantry.events WHERE tenant_id = \(tenant.id))
                         + (SELECT count(*) FROM tenantry.streams WHERE tenant_id = \(tenant.id))
                    """).rows.first?.decode(Int.self)
            }
            #expect(left == 0)
            // Run again: the tenant is offboarded and its copy retired, so nothing happens twice.
            let again = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-purged-\(UUID()).jsonl")
            await #expect(throws: TenantLifecycleError.self) {
                _ = try await runtime.tenants.offboard(tenant.id, exportTo: again.path, actor: "t", reason: "again", keepingPooledEvents: false)
            }
        }
    }

    @Test("a due trial expires by itself to the free plan; one not due stays")
    func trialExpiry() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let due = try await runtime.tenants.create(Self.signup(), actor: "test").tenant
            let notDue = try await runtime.tenants.create(Self.signup(), actor: "test").tenant
            let paid = try await runtime.tenants.create(Self.signup(plan: .pro), actor: "test").tenant
            // Check as of just after the first trial's end (the second started a moment later).
            let checkTime = try #require(due.trialEndsAt).addingTimeInterval(0.000_5)
            let expired = try await runtime.tenants.expireDueTrials(at: checkTime)
            #expect(expired.contains(due.id))
            #expect(!expired.contains(paid.id))
            let after = try #require(try await runtime.tenants.lifecycle.load(due.id))
            #expect(after.plan == .free)
            #expect(after.trialEndsAt == nil)
            #expect(try await runtime.tenants.lifecycle.history(due.id).suffix(2).map(\.type) == ["TrialExpired", "PlanChanged"])
            #expect(try await runtime.tenants.lifecycle.load(paid.id)?.plan == .pro)
            // Nothing expires before its time.
            let early = try await runtime.tenants.expireDueTrials(at: Date())
            #expect(!early.contains(notDue.id))
        }
    }

    @Test("bad signups are refused naming the field", arguments: [
        SignupRequest(email: "nobody", organization: "Acme"),
        SignupRequest(email: "a@b", organization: "Acme"),
        SignupRequest(email: "a@acme.example", organization: ""),
        SignupRequest(email: "a@acme.example", organization: String(repeating: "x", count: 101)),
        SignupRequest(email: "a@acme.example", organization: "Acme", plan: .enterprise, isolation: .pooled),
        SignupRequest(email: "a@acme.example", organization: "Acme", idempotencyKey: "no spaces allowed"),
    ])
    func badSignups(_ request: SignupRequest) async throws {
        #expect(throws: TenantLifecycleError.self) { try request.validate() }
    }
}

@Suite("Trial expiry on a schedule")
struct TrialExpirySchedulerTests {
    @Test("the scheduler ends a due trial by itself")
    func schedulerExpiresTrials() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let tenant = try await runtime.tenants.create(LifecycleTests.signup(), actor: "test").tenant
            // A clock past the trial's end, so the trial is due at the scheduler's first tick.
            let later = try #require(tenant.trialEndsAt).addingTimeInterval(1)
            let scheduler = TrialExpiryScheduler(administration: runtime.tenants, interval: .milliseconds(20), now: { later })
            let running = Task { await scheduler.run() }
            try await waitUntil("the trial expired") { try await runtime.tenants.lifecycle.load(tenant.id)?.plan == .free }
            running.cancel()
            await running.value
            #expect(try await runtime.tenants.lifecycle.history(tenant.id).filter { $0.type == "TrialExpired" }.count == 1)
        }
    }
}

@Suite("Signup idempotency keys")
struct SignupKeyTests {
    @Test("a key reused for a different signup is refused, naming the first tenant")
    func keyReusedForAnotherSignup() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let key = "k-\(UUID().uuidString)"
            let first = try await runtime.tenants.create(
                SignupRequest(email: "a@one.example", organization: "One \(UUID().uuidString.prefix(4))", idempotencyKey: key), actor: "test"
            )
            let error = await #expect(throws: TenantLifecycleError.self) {
                _ = try await runtime.tenants.create(
                    SignupRequest(email: "b@two.example", organization: "Two", idempotencyKey: key), actor: "test"
                )
            }
            #expect(error?.description.contains(first.tenant.slug) == true)
            #expect(try await runtime.tenants.list(state: nil, plan: nil).count == 1)
        }
    }
}
