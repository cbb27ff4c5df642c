public import EventStore
import Foundation

/// Every flag, folded from the `flag` streams of the control plane: the snapshot evaluation
/// reads. A value: the live catalog swaps in a new one after each batch of events, and an
/// evaluation keeps the one it started with.
public struct FlagCatalog: Sendable {
    /// Every flag by key, archived ones included.
    public private(set) var flags: [String: Flag]
    /// The feed position of the last event folded in (for readiness and propagation checks).
    public private(set) var cursor: GlobalCursor?
    /// Counts the events folded in; changes whenever the catalog does.
    public private(set) var revision: UInt64
    /// The keys of the flags that evaluate, sorted: kept as flags come and go, so a bulk
    /// evaluation neither filters nor sorts.
    public private(set) var activeKeys: [String]

    public init() {
        flags = [:]
        cursor = nil
        revision = 0
        activeKeys = []
    }

    /// The catalog of these flags (tests, benchmarks, imports).
    public init(flags: [Flag]) {
        self.init()
        for flag in flags { replace(flag) }
        revision = UInt64(flags.count)
    }

    /// The flags that evaluate (not archived), by key.
    public var activeFlags: [Flag] {
        activeKeys.compactMap { flags[$0] }
    }

    /// The active flag with this key.
    public func flag(_ key: String) -> Flag? {
        guard let flag = flags[key], !flag.isArchived else { return nil }
        return flag
    }

    /// A flag's key (archived ones included) that equals `key` but for case: a new key like it
    /// is refused, since people and tools that fold case could not tell the two apart.
    public func keyDiffering(onlyInCaseFrom key: String) -> String? {
        let folded = key.lowercased()
        return flags.keys.sorted().first { $0 != key && $0.lowercased() == folded }
    }

    /// Refuses a new flag whose key differs only in case from a flag's in the catalog.
    func requireDistinctKey(for key: FlagKey) throws(FlagError) {
        if let existing = keyDiffering(onlyInCaseFrom: key.rawValue) {
            throw .invalidDefinition("flag key \"\(key)\" differs only in case from the flag \"\(existing)\"; use that key or another")
        }
    }

    /// Folds a recorded event of a `flag-<key>` stream in; other events are ignored.
    public mutating func apply(_ recorded: RecordedEvent) throws {
        guard recorded.category == FlagStreams.category, recorded.tenantID == EventStore.controlPlaneTenantID,
            let event = try FlagEvent(recorded)
        else { return }
        let key = String(recorded.stream.dropFirst(FlagStreams.category.count + 1))
        if case .defined(let defined) = event {
            replace(Flag(defined: defined, at: recorded.recordedAt, version: recorded.version))
        } else if var flag = flags[key] {
            flag.apply(event, at: recorded.recordedAt, version: recorded.version)
            replace(flag)
        }
        cursor = recorded.cursor
        revision &+= 1
    }

    /// Puts a flag in place as it would be after a change (for checking a change before it is
    /// recorded).
    mutating func replace(_ flag: Flag) {
        let key = flag.key.rawValue
        flags[key] = flag
        // Binary search for the first key not below `key`.
        var low = 0
        var high = activeKeys.count
        while low < high {
            let middle = (low + high) / 2
            if activeKeys[middle] < key { low = middle + 1 } else { high = middle }
        }
        let index = low
        let isListed = index < activeKeys.count && activeKeys[index] == key
        if flag.isArchived, isListed {
            activeKeys.remove(at: index)
        } else if !flag.isArchived, !isListed {
            activeKeys.insert(key, at: index)
        }
    }

    /// Checks `flag`'s prerequisites against the other flags: each names an active flag and
    /// one of its variants, and following prerequisites never leads back to `flag`.
    public func validatePrerequisites(of flag: Flag) throws(FlagError) {
        for prerequisite in flag.prerequisites {
            guard let required = self.flag(prerequisite.flag.rawValue) else {
                throw .invalidDefinition("flag \(flag.key): prerequisite flag \"\(prerequisite.flag)\" does not exist")
            }
            guard required.variants[prerequisite.variant] != nil else {
                throw .invalidDefinition(
                    "flag \(flag.key): prerequisite flag \"\(prerequisite.flag)\" has no variant \"\(prerequisite.variant)\""
                )
            }
        }
        var catalog = self
        catalog.replace(flag)
        if let cycle = catalog.prerequisiteCycle(from: flag.key.rawValue) {
            throw .invalidDefinition("flag \(flag.key): prerequisites would form a cycle: \(cycle.joined(separator: " → "))")
        }
        if let chain = catalog.longestPrerequisiteChain(through: flag.key.rawValue),
            chain.count - 1 > FlagEvaluator.maximumPrerequisiteDepth
        {
            throw .invalidDefinition(
                "flag \(flag.key): prerequisite chains may have at most \(FlagEvaluator.maximumPrerequisiteDepth) links; this one would have \(chain.count - 1): \(chain.joined(separator: " → "))"
            )
        }
    }

    /// The longest chain of prerequisites that passes through `key` (flags that require it,
    /// it, and what it requires), in a catalog without cycles; nil when `key` has none either way.
    func longestPrerequisiteChain(through key: String) -> [String]? {
        var downward: [String: [String]] = [:]
        func longestFrom(_ key: String) -> [String] {
            if let known = downward[key] { return known }
            let longest = (flags[key]?.prerequisites ?? []).map { longestFrom($0.flag.rawValue) }.max { $0.count < $1.count } ?? []
            downward[key] = [key] + longest
            return [key] + longest
        }
        var dependants: [String: [String]] = [:]
        for candidate in activeKeys {
            for prerequisite in flags[candidate]?.prerequisites ?? [] { dependants[prerequisite.flag.rawValue, default: []].append(candidate) }
        }
        var upward: [String: [String]] = [:]
        func longestTo(_ key: String) -> [String] {
            if let known = upward[key] { return known }
            let longest = (dependants[key] ?? []).map { longestTo($0) }.max { $0.count < $1.count } ?? []
            upward[key] = longest + [key]
            return longest + [key]
        }
        let chain = longestTo(key).dropLast() + longestFrom(key)
        return chain.count > 1 ? Array(chain) : nil
    }

    /// A path of prerequisites from `start` back to itself, if there is one.
    func prerequisiteCycle(from start: String) -> [String]? {
        var path = [start]
        var visited = Set<String>()
        func visit(_ key: String) -> Bool {
            for prerequisite in flags[key]?.prerequisites ?? [] {
                let next = prerequisite.flag.rawValue
                if next == start {
                    path.append(next)
                    return true
                }
                guard visited.insert(next).inserted else { continue }
                path.append(next)
                if visit(next) { return true }
                path.removeLast()
            }
            return false
        }
        return visit(start) ? path : nil
    }
}
