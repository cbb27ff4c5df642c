/// Who an event of a tenant's own audit trail says did it, as the tenant may see it: its own
/// API keys (`api-key:<keyId>`) and its self-serve signup (`signup:web`) as recorded; any
/// other service of Tenantry (`system:<service>`) as `system`; anyone else, an operator at the
/// CLI (`operator:<user>`), an admin token (`admin:<label>`), or a writer of another kind, as
/// `operator`, so no operator identity or token label leaves the control plane.
enum AuditActor {
    /// How every operator, admin token and other writer outside the tenant is shown.
    static let operatorShown = "operator"

    /// The actor to show for `recorded` (an event's `actor` metadata), nil when none was
    /// recorded.
    static func shown(_ recorded: String?) -> String? {
        guard let recorded else { return nil }
        if recorded.hasPrefix("api-key:") || recorded == "signup:web" { return recorded }
        if recorded.hasPrefix("system:") || recorded == "system" { return "system" }
        return operatorShown
    }
}
