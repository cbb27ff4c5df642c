/// Where a rule's attribute is found in an `EvaluationContext`, decided once (as
/// `EvaluationContext.attribute` decides it for every call).
enum AttributeReference: Sendable {
    case targetingKey
    case tenant(TenantAttributes.Field)
    /// A caller attribute; for a dotted name, also the path into an object attribute (its
    /// first part, then the members below), tried when no attribute has the whole name.
    case caller(AttributeName, path: (root: AttributeName, members: [String])?)

    init(_ name: String) {
        if name == "targetingKey" {
            self = .targetingKey
        } else if name.hasPrefix("tenant.") {
            self = .tenant(TenantAttributes.Field(name.dropFirst("tenant.".count)))
        } else if name.contains(".") {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            self = .caller(AttributeName(name), path: (AttributeName(parts[0]), Array(parts.dropFirst())))
        } else {
            self = .caller(AttributeName(name), path: nil)
        }
    }

    func value(in context: EvaluationContext) -> JSONValue? {
        switch self {
        case .targetingKey:
            return context.effectiveTargetingKey.map(JSONValue.string)
        case .tenant(let field):
            return context.tenantValue(of: field)
        case .caller(let name, let path):
            if let value = context.callerAttribute(name) { return value }
            guard let path, var value = context.callerAttribute(path.root) else { return nil }
            for member in path.members {
                guard case .object(let object) = value, let next = object[member] else { return nil }
                value = next
            }
            return value
        }
    }

    /// The attribute as a semantic version: nil when it is missing or not a string holding one.
    func version(in context: EvaluationContext) -> SemanticVersion? {
        if case .caller(let name, nil) = self { return context.callerVersion(name) }
        return value(in: context)?.stringValue.flatMap(SemanticVersion.init)
    }
}
