/// What an API key may do. A key's scope is recorded in its `APIKeyIssued` event and never
/// changes; to change what a caller may do, issue another key and revoke the old one.
public enum APIKeyScope: String, Codable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// OpenFeature Remote Evaluation and its event stream only: the key a browser's client-side
    /// provider holds, which anyone using the page can read, so it must not manage the tenant.
    case evaluate
    /// The tenant API (`/v1/tenant`: keys, plan, audit trail) and customization routes, and
    /// everything `evaluate` allows: the account owner's key, kept on a server.
    case manage

    /// Whether a key of this scope may do what `needed` allows.
    public func allows(_ needed: APIKeyScope) -> Bool {
        switch (self, needed) {
        case (.manage, _), (.evaluate, .evaluate): true
        case (.evaluate, .manage): false
        }
    }

    /// The scope of a key issued before keys had scopes: `manage`. Those keys were the
    /// owners' (provisioning's first key, or one an owner made through the tenant API, which
    /// any key could then do), and taking their management away would lock owners out.
    public static let beforeScopes: APIKeyScope = .manage

    public var description: String { rawValue }
}
