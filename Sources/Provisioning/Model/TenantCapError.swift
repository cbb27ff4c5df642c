/// A self-service change refused because the tenant made as many as it may today; nothing
/// was written.
public enum TenantCapError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `limit` changes of `kind` today already; the count starts again at the next UTC midnight,
    /// `retryAfterSeconds` from the refusal.
    case dailyCapReached(slug: String, kind: TenantDailyChanges.Kind, limit: Int, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case let .dailyCapReached(slug, kind, limit, retryAfter):
            "tenant \(slug) made \(limit) \(kind == .apiKey ? "API key changes" : "plan changes") today, the most it may a day; retry after \(retryAfter) s (UTC midnight)"
        }
    }
}
