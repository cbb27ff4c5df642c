/// What a flagd targeting expression reads with `var`: the caller's context, `targetingKey`
/// (the caller's own, never a stand-in), the tenant's attributes under `tenant`, and flagd's
/// `$flagd.flagKey` and `$flagd.timestamp` (Unix seconds of the evaluation).
struct TargetingScope {
    let flagKey: String
    let timestamp: Int64
    let context: EvaluationContext

    /// The value at a dotted path, or nil when nothing is there. The first part is looked up
    /// among the scope's roots, the rest walks objects by key and lists by index.
    func value(at path: String) -> JSONValue? {
        var parts = path.split(separator: ".", omittingEmptySubsequences: false)[...]
        guard let first = parts.popFirst() else { return nil }
        let root: JSONValue?
        switch first {
        case "$flagd":
            if let key = parts.first, parts.count == 1 {
                switch key {
                case "flagKey": return .string(flagKey)
                case "timestamp": return .integer(timestamp)
                default: return nil
                }
            }
            root = flagdObject
        case "targetingKey":
            root = context.targetingKey.map(JSONValue.string)
        case "tenant":
            if let tenant = context.tenant, let name = parts.first, parts.count == 1 { return tenant.attribute(name) }
            root = context.tenant.map(Self.object(of:))
        default:
            root = context.attributes[String(first)]
        }
        guard var value = root else { return nil }
        for part in parts {
            guard let next = Self.member(part, of: value) else { return nil }
            value = next
        }
        return value
    }

    /// The whole scope as one object (`{"var": ""}`).
    var wholeObject: JSONValue {
        var members = context.attributes
        if let key = context.targetingKey { members["targetingKey"] = .string(key) }
        if let tenant = context.tenant { members["tenant"] = Self.object(of: tenant) }
        members["$flagd"] = flagdObject
        return .object(members)
    }

    private var flagdObject: JSONValue {
        .object(["flagKey": .string(flagKey), "timestamp": .integer(timestamp)])
    }

    static func member(_ name: Substring, of value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let members): members[String(name)]
        case .array(let elements): Int(name).flatMap { elements.indices.contains($0) ? elements[$0] : nil }
        default: nil
        }
    }

    private static func object(of tenant: TenantAttributes) -> JSONValue {
        var members = tenant.custom
        for name in ["id", "slug", "plan", "state", "isolation", "createdAt"] {
            members[name] = tenant.attribute(Substring(name))
        }
        return .object(members)
    }
}
