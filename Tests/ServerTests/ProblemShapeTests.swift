import Provisioning
@testable import TenantryServer
import Testing

@Suite("Problem types: one type and one shape per refusal, in every API")
struct ProblemShapeTests {
    static let refusals: [TenantLifecycleError] = [
        .illegalTransition(slug: "acme", from: .suspended, action: "suspend"),
        .planNotAllowed(slug: "acme", plan: .enterprise, reason: "sales-led"),
        .planNotAllowed(slug: "acme", plan: .pro, reason: TenantLifecycleError.alreadyOnPlanReason),
        .invalidInput("bad"),
    ]

    @Test("a TenantLifecycleError refusal is the same problem from the tenant API and the admin API", arguments: refusals)
    func sameProblem(error: TenantLifecycleError) throws {
        let tenant = try #require(ProblemDetails.refusal(error))
        let admin = try #require(ProblemDetails.admin(error))
        #expect(tenant.typeURI == admin.typeURI)
        #expect(tenant.title == admin.title)
        #expect(tenant.status == admin.status)
        #expect(tenant.detail == admin.detail)
        #expect(tenant.extensions == admin.extensions)
    }

    @Test("invalid-transition and plan-not-allowed carry their documented members")
    func members() throws {
        let transition = try #require(ProblemDetails.admin(TenantLifecycleError.illegalTransition(slug: "acme", from: .suspended, action: "suspend")))
        #expect(transition.typeURI == ProblemDetails.typeBase + "invalid-transition")
        #expect(Set(transition.extensions.keys).union(ProblemShapes.common) == ProblemShapes.invalidTransition)
        let plan = try #require(ProblemDetails.refusal(TenantLifecycleError.planNotAllowed(slug: "acme", plan: .trial, reason: "no")))
        #expect(plan.typeURI == ProblemDetails.typeBase + "plan-not-allowed")
        #expect(Set(plan.extensions.keys).union(ProblemShapes.common) == ProblemShapes.planNotAllowed)
    }

    @Test("moving to the plan the tenant is on is 409 plan-unchanged in both APIs, with tenant and plan")
    func planUnchanged() throws {
        let error = TenantLifecycleError.planNotAllowed(slug: "acme", plan: .pro, reason: TenantLifecycleError.alreadyOnPlanReason)
        for problem in [try #require(ProblemDetails.refusal(error)), try #require(ProblemDetails.admin(error))] {
            #expect(problem.typeURI == ProblemDetails.typeBase + "plan-unchanged")
            #expect(problem.status == .conflict)
            #expect(Set(problem.extensions.keys).union(ProblemShapes.common) == ProblemShapes.planUnchanged)
        }
        // The tenant API's own early check answers the same problem.
        #expect(ProblemDetails.planUnchanged(tenant: "acme", plan: .pro).detail == ProblemDetails.admin(error)?.detail)
    }
}
