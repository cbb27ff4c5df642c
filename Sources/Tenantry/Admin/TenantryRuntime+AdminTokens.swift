public import AdminTokens

extension TenantryRuntime {
    /// Admin tokens: issue, list, revoke (control-plane data, so on the operator store).
    public var adminTokens: AdminTokenService { AdminTokenService(store: operatorEventStore) }
}
