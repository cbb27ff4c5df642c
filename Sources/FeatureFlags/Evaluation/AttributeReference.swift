/// Where a rule's attribute is found in an `EvaluationContext`, decided once (as
/// `EvaluationContext.attribute` decides it for every call).
enum AttributeReference: Sendable {
    case targetingKey
    case tenant(TenantAttributes.Field)
    /// A caller attribute, and for a dotted name the path into an object attribute, tried when
    /// no attribute has the whole name.
    case caller(String, path: [String])

    init(_ name: String) {
        if name == "targetingKey" {
            self = .targetingKey
        } else if name.hasPrefix("tenant.") {
            self = .tenant(TenantAttributes.Field(name.dropFirst("tenant.".count)))
        } else {
            self = .caller(name, path: name.contains(".") ? name.split(separator: ".", omittingEmptySubsequences: false).map(String.init) : [])
        }
    }

    func value(in context: EvaluationContext) -> JSONValue? {
        switch self {
        case .targetingKey:
            return context.effectiveTargetingKey.map(JSONValue.string)
        case .tenant(let field):
            return context.tenant?.value(of: field)
        case .caller(let name, let path):
            if let value = context.attributes[name] { return value }
            guard let first = path.first, var value = context.attributes[first] else { return nil }
            for part in path.dropFirst() {
                guard case .object(let object) = value, let next = object[part] else { return nil }
                value = next
            }
            return value
        }
    }
}
