import Hummingbird

/// The problem types of the limits on what one client may hold open. Same base URI and rules as
/// `ProblemDetails+Catalog.swift`.
extension ProblemDetails {
    /// How long a client refused an event stream is told to wait: streams end when their
    /// clients leave, within a keep-alive interval or so.
    public static let eventStreamRetryAfterSeconds = 15

    /// 429: the API key, or its tenant, holds as many open event streams on this server as it may.
    public static func tooManyEventStreams(_ refusal: EventStreamLimiter.Refusal) -> ProblemDetails {
        let (scope, limit) = switch refusal {
        case .perKey(let limit): ("API key", limit)
        case .perTenant(let limit): ("tenant", limit)
        }
        return ProblemDetails(
            typeURI: typeBase + "too-many-event-streams", title: "Too many event streams", status: .tooManyRequests,
            detail: "this \(scope) holds \(limit) open event streams, the most it may; close one, or retry after \(eventStreamRetryAfterSeconds) s",
            headers: [.retryAfter: String(eventStreamRetryAfterSeconds)],
            extensions: ["limit": .integer(Int64(limit)), "retryAfter": .integer(Int64(eventStreamRetryAfterSeconds))]
        )
    }

    /// 408: the request body did not arrive in time; the connection is closed (so the client
    /// rarely reads this: it is what the route's failed read turns into, not a server fault).
    public static func requestBodyTimeout() -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "request-timeout", title: "Request timeout", status: .requestTimeout,
            detail: "the request body did not arrive in time; the connection is closed"
        )
    }
}
