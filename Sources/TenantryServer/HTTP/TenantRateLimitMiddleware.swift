public import EventStore
public import Foundation
public import Hummingbird
public import Provisioning
public import Tenancy

/// Admits each authenticated tenant's requests through a token bucket of its plan's
/// `TenantLimits` (`appendsPerSecond` refill, `burst` size: what a tenant may write, so also
/// what it may ask of the API), and answers the rest 429 `rate-limited` with `Retry-After`.
/// Goes after `APIKeyAuthenticationMiddleware`; the check is in memory (an actor hop, no I/O).
///
/// ```swift
/// router.group("v1/tenant")
///     .add(middleware: APIKeyAuthenticationMiddleware(directory: views.directory))
///     .add(middleware: ActiveTenantMiddleware())
///     .add(middleware: TenantRateLimitMiddleware(limiter: .byPlan(directory: views.directory)))
/// ```
public struct TenantRateLimitMiddleware<Context: TenantAuthenticatedContext>: RouterMiddleware {
    public let limiter: TenantRateLimiter

    public init(limiter: TenantRateLimiter) {
        self.limiter = limiter
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await limiter.admitRequest(of: try context.requireTenant().state.id)
        return try await next(request, context)
    }
}

extension TenantRateLimiter {
    /// Admits one request of `tenantID`, or throws 429 `rate-limited` with `Retry-After`.
    public func admitRequest(of tenantID: UUID) throws {
        do {
            try admit(tenant: tenantID, eventCount: 1)
        } catch {
            switch error {
            case let .rateLimited(_, rate, retryAfter):
                // Retry-After takes whole seconds; rounding down would invite a retry that fails.
                let seconds = max(1, Int(retryAfter.rounded(.up)))
                throw ProblemDetails.rateLimited(retryAfterSeconds: seconds, requestsPerSecond: rate)
            case .tooManyEventsInAppend:
                // One request is one admission, below every plan's per-append maximum.
                throw ProblemDetails.internalError()
            }
        }
    }

    /// A limiter whose buckets follow each tenant's plan, as the live directory has it when the
    /// tenant's bucket is made, refilling as `now` tells time (tests pass a frozen clock). The
    /// limiter forgets buckets that have refilled (it sweeps them from time to time), so a plan
    /// change takes effect once the tenant's old bucket is gone. With `factor`, the plan's rate
    /// and burst are multiplied by it (OFREP's limits: evaluations are cheaper than writes).
    public static func byPlan(
        directory: LiveView<TenantDirectory>,
        factor: Double = 1,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) -> TenantRateLimiter {
        precondition(factor > 0, "a rate limit factor must be positive")
        return TenantRateLimiter(
            limits: { tenantID in
                let limits = directory.state.tenant(tenantID)?.plan.terms.limits ?? .standard
                guard factor != 1 else { return limits }
                return TenantLimits(
                    maximumEventsPerAppend: limits.maximumEventsPerAppend,
                    appendsPerSecond: limits.appendsPerSecond * factor,
                    burst: max(1, Int((Double(limits.burst) * factor).rounded(.down))))
            },
            now: now
        )
    }
}
