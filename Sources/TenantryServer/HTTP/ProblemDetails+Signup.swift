import Hummingbird

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
}
