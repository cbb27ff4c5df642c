import EventStore
public import Foundation

extension TenantService {
    /// The most live API keys a tenant may hold: enough for every environment and service, few
    /// enough that a leaked script cannot mint keys without bound.
    public static let maximumLiveAPIKeys = 20

    /// The longest label a key may have.
    public static let maximumAPIKeyLabelLength = 100

    /// Issues a new API key of `scope` to an active tenant. The key is returned once, here; only
    /// its SHA-256 is recorded (with its prefix, label and scope). Refused with
    /// `APIKeyError.limitReached` when the tenant holds `maximumLiveAPIKeys` already, with
    /// `TenantCapError` when `caps` are given (the tenant asking, not an operator) and it issued
    /// and revoked that many keys today, and with `TenantLifecycleError` when it is not active or
    /// the label is not 1 to 100 printable characters.
    public func issueAPIKey(
        _ tenantID: UUID, label: String?, scope: APIKeyScope = .evaluate, caps: TenantDailyCaps? = nil, actor: String
    ) async throws -> (TenantState, APIKey) {
        let label = try Self.validatedLabel(label)
        // Generated once, outside the decision: a retry after a concurrent change records the
        // same key, so what the caller is shown is always what was stored.
        let key = APIKey.generate()
        let time = Date()
        let state = try await execute(tenantID, actor: actor, reason: "API key issued") { state in
            guard state.status == .active else {
                throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "issue an API key to")
            }
            guard state.apiKeys.count < Self.maximumLiveAPIKeys else {
                throw APIKeyError.limitReached(slug: state.slug, limit: Self.maximumLiveAPIKeys)
            }
            try caps?.admit(.apiKey, to: state, at: time)
            return [.apiKeyIssued(.init(keyId: key.id, prefix: key.prefix, sha256: APIKey.hash(key.secret), label: label, scope: scope))]
        }
        return (state, key)
    }

    /// Revokes one of the tenant's live keys: requests with it are refused from then on.
    /// Refused with `APIKeyError.notFound` for a key the tenant does not hold, with
    /// `APIKeyError.lastKey` for its last live `manage` key, which would leave nobody able to
    /// issue another through the API (an operator's offboarding or provisioning compensation is
    /// another matter), and with `TenantCapError` when `caps` are given and the tenant issued
    /// and revoked that many keys today.
    public func revokeAPIKey(
        _ tenantID: UUID, keyID: UUID, caps: TenantDailyCaps? = nil, actor: String, reason: String? = nil
    ) async throws -> TenantState {
        let time = Date()
        return try await execute(tenantID, actor: actor, reason: reason ?? "API key revoked") { state in
            guard let revoked = state.apiKeys[keyID] else { throw APIKeyError.notFound(keyID: keyID) }
            let managers = state.apiKeys.values.filter { $0.effectiveScope == .manage }
            guard revoked.effectiveScope != .manage || managers.count > 1 else { throw APIKeyError.lastKey(slug: state.slug) }
            try caps?.admit(.apiKey, to: state, at: time)
            return [.apiKeyRevoked(.init(keyId: keyID))]
        }
    }

    /// A label trimmed, nil when absent; refused when empty, too long or with control characters.
    static func validatedLabel(_ label: String?) throws(TenantLifecycleError) -> String? {
        guard let label else { return nil }
        let trimmed = label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maximumAPIKeyLabelLength,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalidInput("invalid API key label: give 1 to \(maximumAPIKeyLabelLength) printable characters")
        }
        return trimmed
    }
}
