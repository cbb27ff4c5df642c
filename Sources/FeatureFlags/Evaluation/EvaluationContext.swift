import Foundation

/// What a flag is evaluated for: the tenant (from its API key or the registry), the caller's
/// own attributes (user email, country, …) and the targeting key used for rollouts.
///
/// A context shares one immutable storage among its copies: passing it on (per flag of a bulk
/// evaluation, into a task) copies a reference, and what evaluation reads of it, the default
/// targeting key and the attributes' hashed names, is worked out once when it is made.
public struct EvaluationContext: Sendable, Hashable {
    private var storage: Storage

    /// The caller's targeting key; nil means the tenant's id (organisation-level stickiness).
    public var targetingKey: String? {
        get { storage.targetingKey }
        set { storage = Storage(targetingKey: newValue, tenant: storage.tenant, attributes: storage.attributes) }
    }

    public var tenant: TenantAttributes? {
        get { storage.tenant }
        set { storage = Storage(targetingKey: storage.targetingKey, tenant: newValue, attributes: storage.attributes) }
    }

    /// Caller-supplied attributes; names starting with `tenant.` are reserved.
    public var attributes: [String: JSONValue] {
        get { storage.attributes }
        set { storage = Storage(targetingKey: storage.targetingKey, tenant: storage.tenant, attributes: newValue) }
    }

    public init(targetingKey: String? = nil, tenant: TenantAttributes? = nil, attributes: [String: JSONValue] = [:]) {
        storage = Storage(targetingKey: targetingKey, tenant: tenant, attributes: attributes)
    }

    /// A context from a caller's JSON object (an OFREP request's `context`, `flag eval
    /// --context`), for `tenant`. Refuses a non-string `targetingKey` and attributes that would
    /// shadow the tenant's own (`tenant`, `tenant.…`): evaluation context error INVALID_CONTEXT.
    public init(tenant: TenantAttributes?, caller: [String: JSONValue]) throws(EvaluationContextError) {
        var attributes = caller
        let targetingKey: String?
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
        storage = Storage(targetingKey: targetingKey, tenant: tenant, attributes: attributes)
    }

    public static func == (left: EvaluationContext, right: EvaluationContext) -> Bool {
        left.storage === right.storage
            || (left.targetingKey == right.targetingKey && left.tenant == right.tenant && left.attributes == right.attributes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(targetingKey)
        hasher.combine(tenant)
        hasher.combine(attributes)
    }

    /// The key rollouts hash: the caller's targeting key, else the tenant's id.
    public var effectiveTargetingKey: String? { storage.effectiveTargetingKey }

    /// The tenant's id, read without copying the tenant's attributes.
    var tenantID: UUID? { storage.tenant?.id }

    /// The tenant's plan, read without copying the tenant's attributes.
    var tenantPlan: String? { storage.tenant?.plan }

    /// One of the tenant's attributes.
    func tenantValue(of field: TenantAttributes.Field) -> JSONValue? {
        storage.tenant?.value(of: field)
    }

    /// The caller attribute named `name` (no dotted path).
    func callerAttribute(_ name: AttributeName) -> JSONValue? {
        if let few = storage.fewAttributes, let hash = name.hash {
            for entry in few where entry.hash == hash && entry.name == name.text { return entry.value }
            return nil
        }
        return storage.attributes[name.text]
    }

    /// The caller attribute named `name` as a semantic version: nil when there is no such
    /// attribute or it is not a string holding one. Parsed when the context was made.
    func callerVersion(_ name: AttributeName) -> SemanticVersion? {
        if let few = storage.fewAttributes, let hash = name.hash {
            for entry in few where entry.hash == hash && entry.name == name.text { return entry.version }
            return nil
        }
        return storage.attributes[name.text]?.stringValue.flatMap(SemanticVersion.init)
    }

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

extension EvaluationContext {
    /// What every copy of a context shares; never changed (a change to a context makes a new one).
    private final class Storage: Sendable {
        /// The most attributes searched one by one: beyond it, the dictionary's hashing (which
        /// resists names chosen to collide) is the faster and the safer way.
        static let fewAttributesLimit = 8

        let targetingKey: String?
        let tenant: TenantAttributes?
        let attributes: [String: JSONValue]
        let effectiveTargetingKey: String?
        /// The attributes with their names' hashes (and the semantic version a string holds, for
        /// the `semver-*` rules), when there are at most `fewAttributesLimit` and every name is
        /// ASCII; nil otherwise.
        let fewAttributes: [FewAttribute]?

        struct FewAttribute {
            let hash: UInt64
            let name: String
            let value: JSONValue
            let version: SemanticVersion?
        }

        init(targetingKey: String?, tenant: TenantAttributes?, attributes: [String: JSONValue]) {
            self.targetingKey = targetingKey
            self.tenant = tenant
            self.attributes = attributes
            effectiveTargetingKey = targetingKey ?? tenant?.idString
            fewAttributes = Self.hashed(attributes)
        }

        private static func hashed(_ attributes: [String: JSONValue]) -> [FewAttribute]? {
            guard attributes.count <= fewAttributesLimit else { return nil }
            var entries: [FewAttribute] = []
            entries.reserveCapacity(attributes.count)
            for (name, value) in attributes {
                guard let hash = AttributeName(name).hash else { return nil }
                entries.append(FewAttribute(hash: hash, name: name, value: value, version: version(in: value)))
            }
            return entries
        }

        /// The version a string value holds; a string that does not start as a version does
        /// (a digit, or `v` and a digit) is not parsed.
        private static func version(in value: JSONValue) -> SemanticVersion? {
            guard case .string(let text) = value else { return nil }
            var bytes = text.utf8.prefix(2).makeIterator()
            var first = bytes.next()
            if first == UInt8(ascii: "v") || first == UInt8(ascii: "V") { first = bytes.next() }
            guard let first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
            return SemanticVersion(text)
        }
    }
}

/// Why a caller's evaluation context was refused (OpenFeature's INVALID_CONTEXT).
public struct EvaluationContextError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
