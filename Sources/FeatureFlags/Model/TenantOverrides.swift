public import Foundation

/// A flag's per-tenant variants, by tenant id: a dictionary from tenant id to variant name,
/// stored compactly.
///
/// A flag may override a variant for every tenant (`bench flags` has a million overrides over
/// a thousand flags), and a flag has a handful of variants: each tenant maps to the index of
/// its variant's name in a small table, four bytes where a name would take sixteen, which
/// takes the catalog's largest part down by nearly half.
public struct TenantOverrides: Sendable {
    /// Index into `names` by tenant.
    private var indexByTenant: [UUID: UInt32]
    /// Every variant name an override has used, each once. Only grows, by names the flag has
    /// had as variants (a name renamed away stays): a new name takes an event, so the table
    /// stays far below the four billion names an index can tell apart.
    private var names: [String]

    public init() {
        indexByTenant = [:]
        names = []
    }

    /// The overrides of this dictionary.
    public init(_ variants: [UUID: String]) {
        self.init()
        indexByTenant.reserveCapacity(variants.count)
        for (tenant, variant) in variants { self[tenant] = variant }
    }

    /// The variant `tenant` is overridden to; setting nil removes the override.
    public subscript(tenant: UUID) -> String? {
        get { indexByTenant[tenant].map { names[Int($0)] } }
        set {
            guard let newValue else {
                indexByTenant[tenant] = nil
                return
            }
            indexByTenant[tenant] = index(of: newValue)
        }
    }

    public var count: Int { indexByTenant.count }
    public var isEmpty: Bool { indexByTenant.isEmpty }
    /// The overridden tenants, in no particular order.
    public var tenants: Dictionary<UUID, UInt32>.Keys { indexByTenant.keys }

    /// The overrides as a plain dictionary.
    public var dictionary: [UUID: String] {
        indexByTenant.mapValues { names[Int($0)] }
    }

    private mutating func index(of name: String) -> UInt32 {
        if let index = names.firstIndex(of: name) { return UInt32(index) }
        names.append(name)
        return UInt32(names.count - 1)
    }
}

extension TenantOverrides: Sequence {
    public struct Iterator: IteratorProtocol {
        fileprivate var base: Dictionary<UUID, UInt32>.Iterator
        fileprivate let names: [String]

        public mutating func next() -> (key: UUID, value: String)? {
            base.next().map { (key: $0.key, value: names[Int($0.value)]) }
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(base: indexByTenant.makeIterator(), names: names)
    }

    public var underestimatedCount: Int { count }
}

extension TenantOverrides: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (UUID, String)...) {
        self.init()
        for (tenant, variant) in elements { self[tenant] = variant }
    }
}

extension TenantOverrides: Hashable {
    /// Equal when every tenant maps to the same variant name, whichever order the names were
    /// first used in.
    public static func == (lhs: TenantOverrides, rhs: TenantOverrides) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.names == rhs.names { return lhs.indexByTenant == rhs.indexByTenant }
        return lhs.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, like a dictionary's: combined per pair, summed.
        var sum = 0
        for (tenant, variant) in self {
            var pair = Hasher()
            pair.combine(tenant)
            pair.combine(variant)
            sum &+= pair.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}
