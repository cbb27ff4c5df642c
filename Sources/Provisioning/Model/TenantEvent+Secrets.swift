extension TenantEvent {
    /// The data fields of an event type that must never be shown outside the control plane
    /// (e.g. to the tenant reading its own audit trail): the hash of an API key would let anyone
    /// holding it test guesses offline. Empty for types with nothing secret.
    public static func secretFields(ofType type: String) -> Set<String> {
        switch type {
        case "APIKeyIssued": ["sha256"]
        default: []
        }
    }
}
