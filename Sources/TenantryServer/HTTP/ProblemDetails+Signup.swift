import Hummingbird
public import Provisioning

/// The problem types of self-serve signup (`SignupRoutes`), beside the shared ones in
/// `ProblemDetails+Catalog.swift`; the same base URI, just as stable.
extension ProblemDetails {
    /// 404: no signup with this id *and* this claim token. An unknown id, a wrong or missing
    /// token and an expired signup read the same, so the status URL says nothing about which
    /// signups exist.
    public static func signupNotFound() -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "signup-not-found", title: "Signup not found", status: .notFound,
            detail: "no signup with this id and claim token (signups are kept for an hour, and not across a server restart)"
        )
    }

    /// 422: the `Idempotency-Key` was already used for a signup with another email or
    /// organisation; nothing was registered.
    public static func idempotencyKeyReused(_ key: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "idempotency-key-reused", title: "Idempotency key reused", status: .unprocessableContent,
            detail: "the Idempotency-Key \(key) was already used for a signup with other data; use a new key for a new signup",
            extensions: ["field": .string("Idempotency-Key")]
        )
    }

    /// 415: a JSON route called with another content type; `Accept-Post` says what it takes.
    public static func unsupportedMediaType(_ received: String?, expected: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "unsupported-media-type", title: "Unsupported media type", status: .unsupportedMediaType,
            detail: "send the body as \(expected), not \(received ?? "without a Content-Type")",
            headers: HTTPFields().settingField(named: "Accept-Post", to: expected),
            extensions: ["expected": .string(expected)]
        )
    }

    /// 503: the server starts no new signup now: it is shutting down (retrying soon reaches a
    /// server that does), or it holds as many recent signups as it may (`detail` says which;
    /// `Retry-After` when to come back).
    public static func signupUnavailable(
        detail: String = "the server is shutting down and starts no new signups; try again in a moment",
        retryAfterSeconds: Int = 5
    ) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "signup-unavailable", title: "Signup unavailable", status: .serviceUnavailable,
            detail: detail,
            headers: [.retryAfter: String(retryAfterSeconds)]
        )
    }

    /// 429: this client reached a signup limit (`SignupAdmissionPolicy`); `Retry-After` says
    /// when a slot frees up, `limit` which limit it was.
    public static func signupRateLimited(_ limit: SignupAdmission.Limit, policy: SignupAdmissionPolicy, retryAfterSeconds: Int) -> ProblemDetails {
        let minutes = max(1, Int(policy.window.components.seconds / 60))
        let detail = switch limit {
        case .perWindow:
            "this network started \(policy.perWindow) signups in the last \(minutes) minutes, the most it may; try again in \(retryAfterSeconds) s"
        case .unclaimed:
            "this network has \(policy.unclaimed) signups whose API key was not taken yet; finish one (open its status page) or try again in \(retryAfterSeconds) s"
        }
        return ProblemDetails(
            typeURI: typeBase + "signup-rate-limited", title: "Too many signups", status: .tooManyRequests,
            detail: detail,
            headers: [.retryAfter: String(retryAfterSeconds)],
            extensions: ["limit": .string(limit.rawValue), "retryAfter": .integer(Int64(retryAfterSeconds))]
        )
    }

    /// 409, for the signup page only: the form was submitted again after its signup was
    /// accepted; the claim went with the first answer.
    public static func signupAlreadyReceived() -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "signup-already-received", title: "Signup already received", status: .conflict,
            detail: "this form was already sent and its workspace is being set up; its key was shown to the first answer only. Send the form again to start a new workspace"
        )
    }
}
