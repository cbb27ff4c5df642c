/// What a flag is evaluated for: the tenant (from its API key or the registry), the caller's
/// own attributes (user email, country, …) and the targeting key used for rollouts.
public struct EvaluationContext: Sendable, Hashable {
    /// The caller's targeting key; nil means the tenant's id (organisation-level stickiness).
    public var targetingKey: String?
    public var tenant: TenantAttributes?
    /// Caller-supplied attributes; names starting with `tenant.` are reserved.
    public var attributes: [String: JSONValue]

    public init(targetingKey: String? = nil, tenant: TenantAttributes? = nil, attributes: [String: JSONValue] = [:]) {
        self.targetingKey = targetingKey
        self.tenant = tenant
        self.attributes = attributes
    }

    /// A context from a caller's JSON object (an OFREP request's `context`, `flag eval
    /// --context`), for `tenant`. Refuses a non-string `targetingKey` and attributes that would
    /// shadow the tenant's own (`tenant`, `tenant.…`): evaluation context error INVALID_CONTEXT.
    public init(tenant: TenantAttributes?, caller: [String: JSONValue]) throws(EvaluationContextError) {
        var attributes = caller
        switch attributes.removeValue(forKey: "targetingKey") {
        case nil, .null:
            targetingKey = nil
        case .string(let key):
            targetingKey = key.isEmpty ? nil : key
        case let other?:
            throw EvaluationContextError("targetingKey must be a string, not \(other.typeName)")
        }
        if let reserved = attributes.keys.sorted().first(where: { $0 == "tenant" || $0.hasPrefix("tenant.") }) {
            throw EvaluationContextError(
                "context attribute \"\(reserved)\" is reserved: tenant attributes come from the tenant's record"
            )
        }
        self.tenant = tenant
        self.attributes = attributes
    }

    /// The key rollouts hash: the caller's targeting key, else the tenant's id.
    public var effectiveTargetingKey: String? { targetingKey ?? tenant?.idString }

    /// An attribute by name: `targetingKey`, `tenant.<name>`, a caller attribute, or a dotted
    /// path into a caller attribute that is an object (`user.country`).
    public func attribute(_ name: String) -> JSONValue? {
        if name == "targetingKey" { return effectiveTargetingKey.map(JSONValue.string) }
        if name.hasPrefix("tenant.") { return tenant?.attribute(name.dropFirst("tenant.".count)) }
        if let value = attributes[name] { return value }
        guard name.contains(".") else { return nil }
        var parts = name.split(separator: ".", omittingEmptySubsequences: false)[...]
        guard let first = parts.popFirst(), var value = attributes[String(first)] else { return nil }
        for part in parts {
            guard case .object(let object) = value, let next = object[String(part)] else { return nil }
            value = next
        }
        return value
    }
}

/// Why a caller's evaluation context was refused (OpenFeature's INVALID_CONTEXT).
public struct EvaluationContextError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
