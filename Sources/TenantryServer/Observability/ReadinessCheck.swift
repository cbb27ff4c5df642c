import FeatureFlags

/// One line of `/readyz`'s answer: what was checked, whether it passed, and why, in words safe
/// to show an unauthenticated caller.
struct ReadinessCheck: Sendable {
    /// `database`, `migrations`, or a subscription's name (`SubscriptionLag.names`).
    let name: String
    let passed: Bool
    let detail: String

    /// `{"ok", "detail"}`.
    var body: JSONValue { .object(["ok": .bool(passed), "detail": .string(detail)]) }
}
