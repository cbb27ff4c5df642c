import Extensions
import FeatureFlags
public import Foundation
import Hummingbird
public import Provisioning

/// The problem types of the tenant API (`/v1/tenant…`), and how the tenant commands' refusals
/// map to them. Same base URI and rules as `ProblemDetails+Catalog.swift`.
extension ProblemDetails {
    /// 404: the tenant holds no live API key with this id (unknown, revoked, or another tenant's:
    /// the three read the same, so nobody learns which ids exist).
    public static func apiKeyNotFound(_ keyID: UUID) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "api-key-not-found", title: "API key not found", status: .notFound,
            detail: "this tenant has no API key \(keyID.uuidString.lowercased())",
            extensions: ["keyId": .string(keyID.uuidString.lowercased())]
        )
    }

    /// 409: revoking the tenant's last live `manage` key would lock it out of the API.
    public static func lastAPIKey(slug: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "last-api-key", title: "Last API key", status: .conflict,
            detail: "this is the last manage API key of tenant \(slug): revoking it would lock the tenant out; create another manage key first"
        )
    }

    /// 409: the tenant holds as many live keys as it may.
    public static func apiKeyLimitReached(slug: String, limit: Int) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "api-key-limit-reached", title: "API key limit reached", status: .conflict,
            detail: "tenant \(slug) holds \(limit) API keys, the most it may; revoke one first",
            extensions: ["limit": .integer(Int64(limit))]
        )
    }

    /// 429: the tenant sent requests faster than its plan allows; `Retry-After` says how many
    /// seconds to wait (at least 1).
    public static func rateLimited(retryAfterSeconds: Int, requestsPerSecond: Double) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "rate-limited", title: "Too many requests", status: .tooManyRequests,
            detail: "this tenant's plan allows \(requestsPerSecond.formatted()) requests per second; retry after \(retryAfterSeconds) s",
            headers: [.retryAfter: String(retryAfterSeconds)],
            extensions: ["retryAfter": .integer(Int64(retryAfterSeconds))]
        )
    }

    /// 403: the key is valid but its scope does not allow this route; `requiredScope` names the
    /// scope that does, `scope` the key's.
    public static func insufficientScope(required: APIKeyScope, presented: APIKeyScope) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "insufficient-scope", title: "Insufficient scope", status: .forbidden,
            detail: "this route needs an API key with scope \(required); this key's scope is \(presented)",
            extensions: ["requiredScope": .string(required.rawValue), "scope": .string(presented.rawValue)]
        )
    }

    /// 429: the tenant made as many changes of this kind today as it may (`TenantDailyCaps`);
    /// `Retry-After` is the seconds until the next UTC midnight, when the count starts again.
    public static func dailyCapReached(kind: TenantDailyChanges.Kind, limit: Int, retryAfterSeconds: Int) -> ProblemDetails {
        let what = kind == .apiKey ? "API keys issued and revoked" : "plan changes"
        return ProblemDetails(
            typeURI: typeBase + "daily-cap-reached", title: "Daily cap reached", status: .tooManyRequests,
            detail: "this tenant may make \(limit) \(what) a day and made them all today; retry after \(retryAfterSeconds) s (UTC midnight)",
            headers: [.retryAfter: String(retryAfterSeconds)],
            extensions: [
                "change": .string(kind.rawValue), "limit": .integer(Int64(limit)), "retryAfter": .integer(Int64(retryAfterSeconds)),
            ]
        )
    }

    /// 402: a self-serve move to a paid plan that no payment hook authorised.
    public static func paymentRequired(tenant: String, plan: Plan, refusal: PaymentRequired?) -> ProblemDetails {
        var extensions: [String: JSONValue] = ["plan": .string(plan.rawValue)]
        extensions["paymentUrl"] = refusal?.paymentURL.map(JSONValue.string)
        return ProblemDetails(
            typeURI: typeBase + "payment-required", title: "Payment required", status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"),
            detail: refusal.map { "cannot move tenant \(tenant) to \(plan.rawValue): \($0.detail)" }
                ?? "cannot move tenant \(tenant) to \(plan.rawValue): paid plans need a payment provider, and none is configured; contact sales",
            extensions: extensions
        )
    }

    /// 503: the payment hook could not answer (its provider is away); the plan is unchanged.
    public static func paymentUnavailable() -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "payment-unavailable", title: "Payment provider unavailable", status: .serviceUnavailable,
            detail: "the payment provider could not be reached; the plan is unchanged, try again shortly",
            headers: [.retryAfter: "30"]
        )
    }

    /// The problem a tenant command's refusal is, or nil for errors that are not refusals
    /// (those are faults: 500).
    public static func refusal(_ error: any Error) -> ProblemDetails? {
        switch error {
        case let problem as ProblemDetails:
            return problem
        case let error as APIKeyError:
            switch error {
            case .notFound(let keyID): return apiKeyNotFound(keyID)
            case .lastKey(let slug): return lastAPIKey(slug: slug)
            case let .limitReached(slug, limit): return apiKeyLimitReached(slug: slug, limit: limit)
            }
        case let error as CustomizationError:
            return customization(error)
        case let error as TenantCapError:
            switch error {
            case let .dailyCapReached(_, kind, limit, retryAfter):
                return dailyCapReached(kind: kind, limit: limit, retryAfterSeconds: retryAfter)
            }
        case let error as TenantLifecycleError:
            switch error {
            case .invalidInput(let message):
                return invalidRequest(message)
            case let .planNotAllowed(slug, plan, _) where error.isPlanUnchanged:
                return planUnchanged(tenant: slug, plan: plan)
            case let .planNotAllowed(slug, plan, reason):
                return planNotAllowed(tenant: slug, plan: plan, reason: reason)
            case let .illegalTransition(slug, from, action):
                return invalidTransition(tenant: slug, state: from, action: action)
            case .notFound:
                // The caller's own tenant vanished from under an authenticated request: not a
                // client error, and nothing to tell the client about.
                return nil
            }
        default:
            return nil
        }
    }
}
