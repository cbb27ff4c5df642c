import Foundation

/// A change `TenantService` has decided and is about to write, as a check sees it: the
/// composition root plugs a single-tenant instance's customization in here, so every path that
/// changes a tenant (CLI, admin API, tenant API, signup) is checked the same way, and a refusal
/// leaves nothing written.
public struct TenantChange: Sendable {
    /// The tenant before the change; nil for a registration.
    public let tenant: TenantState?
    /// What a registration asks for; nil for other changes.
    public let signup: SignupRequest?
    /// The events the change will append.
    public let events: [TenantEvent]
    public let actor: String
    public let reason: String?
}

/// Called with each decided change before it is appended; throwing refuses it.
public typealias TenantChangeCheck = @Sendable (TenantChange) async throws -> Void
