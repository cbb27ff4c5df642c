public import Foundation

/// The most self-service changes of each kind a tenant may make per UTC day: each is an event
/// on its stream, so without a cap a tenant (or a leaked key in a loop) grows its stream, and
/// every server's directory, without bound. Operators' changes (CLI, admin API) are not capped.
public struct TenantDailyCaps: Sendable, Hashable {
    /// API keys issued plus revoked per day.
    public var apiKeyChanges: Int
    /// Plan changes per day.
    public var planChanges: Int

    public init(apiKeyChanges: Int, planChanges: Int) {
        precondition(apiKeyChanges > 0 && planChanges > 0, "daily caps must be positive")
        self.apiKeyChanges = apiKeyChanges
        self.planChanges = planChanges
    }

    /// 100 key changes and 20 plan changes a day: far above what a team does by hand or a
    /// rotation script needs, far below what would load the directory.
    public static let standard = TenantDailyCaps(apiKeyChanges: 100, planChanges: 20)

    /// The cap on `kind`.
    public func limit(of kind: TenantDailyChanges.Kind) -> Int {
        switch kind {
        case .apiKey: apiKeyChanges
        case .plan: planChanges
        }
    }

    /// Refuses one more change of `kind` to `state` at `time` when the tenant made `limit` of
    /// them that UTC day already.
    public func admit(_ kind: TenantDailyChanges.Kind, to state: TenantState, at time: Date) throws(TenantCapError) {
        let limit = limit(of: kind)
        guard state.dailyChanges.count(of: kind, on: time) < limit else {
            let wait = TenantDailyChanges.nextDay(after: time).timeIntervalSince(time)
            throw .dailyCapReached(slug: state.slug, kind: kind, limit: limit, retryAfterSeconds: max(1, Int(wait.rounded(.up))))
        }
    }
}
