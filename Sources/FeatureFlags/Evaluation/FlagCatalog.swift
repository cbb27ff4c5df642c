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
        for flag in flags { self.flags[flag.key.rawValue] = flag }
        activeKeys = self.flags.values.filter { !$0.isArchived }.map(\.key.rawValue).sorted()
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
        return flags.keys.filter { $0 != key && $0.lowercased() == folded }.min()
    }

    /// Refuses a new flag whose key differs only in case from a flag's in the catalog.
    func requireDistinctKey(for key: FlagKey) throws(FlagError) {
        if let existing = keyDiffering(onlyInCaseFrom: key.rawValue) {
            throw .invalidDefinition("flag key \"\(key)\" differs only in case from the flag \"\(existing)\"; use that key or another")
        }
    }

    /// Folds a recorded event of a `flag-<key>` stream in; other events are ignored.
    public mutating func apply(_ recorded: RecordedEvent) throws {
        guard recorded.category == FlagStreams.category, recorded.tenantID == EventLog.controlPlaneTenantID,
            let event = try FlagEvent(recorded)
        else { return }
        let key = String(recorded.stream.dropFirst(FlagStreams.category.count + 1))
        if case .defined(let defined) = event {
            replace(Flag(defined: defined, at: recorded.recordedAt, version: recorded.version))
        } else if flags[key] != nil {
            // In place: a copy would copy the flag's overrides on every override event.
            flags[key]?.apply(event, at: recorded.recordedAt, version: recorded.version)
            if let flag = flags[key] { listActive(flag) }
        }
        cursor = recorded.cursor
        revision &+= 1
    }

    /// Puts a flag in place as it would be after a change (for checking a change before it is
    /// recorded).
    mutating func replace(_ flag: Flag) {
        flags[flag.key.rawValue] = flag
        listActive(flag)
    }

    /// Keeps `activeKeys` sorted and in step with whether `flag` is archived.
    private mutating func listActive(_ flag: Flag) {
        let key = flag.key.rawValue
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
        try catalog.checkPrerequisiteChains(through: flag.key.rawValue)
    }

    /// Refuses a chain of prerequisites through `key` (flags that require it, it, and what it
    /// requires) longer than the evaluator follows, and any cycle met on the way (a document
    /// being imported may hold one away from `key`). Each flag is walked once; no walk goes
    /// deeper than the limit allows, so a long chain cannot exhaust the stack.
    func checkPrerequisiteChains(through key: String) throws(FlagError) {
        let limit = FlagEvaluator.maximumPrerequisiteDepth
        func tooLong(_ chain: some Collection<String>) -> FlagError {
            .invalidDefinition(
                "flag \(key): prerequisite chains may have at most \(limit) links; this one would have \(chain.count - 1): \(chain.joined(separator: " → "))"
            )
        }
        func cycle(_ path: some Collection<String>) -> FlagError {
            .invalidDefinition("flag \(key): prerequisites would form a cycle: \(path.joined(separator: " → "))")
        }
        /// The longest chain from `start` along `next`, memoised in `known`; `path` is the walk
        /// so far (a flag met again on it is a cycle).
        func longest(
            from start: String, _ next: (String) -> [String], known: inout [String: [String]], path: inout [String]
        ) throws(FlagError) -> [String] {
            if let chain = known[start] { return chain }
            if let index = path.firstIndex(of: start) { throw cycle(path[index...] + [start]) }
            path.append(start)
            defer { path.removeLast() }
            if path.count > limit + 1 { throw tooLong(path) }
            var longestTail: [String] = []
            for neighbour in next(start) {
                let chain = try longest(from: neighbour, next, known: &known, path: &path)
                if chain.count > longestTail.count { longestTail = chain }
            }
            known[start] = [start] + longestTail
            return [start] + longestTail
        }
        var dependants: [String: [String]] = [:]
        for candidate in activeKeys {
            for prerequisite in flags[candidate]?.prerequisites ?? [] { dependants[prerequisite.flag.rawValue, default: []].append(candidate) }
        }
        var knownDown: [String: [String]] = [:]
        var knownUp: [String: [String]] = [:]
        var path: [String] = []
        let down = try longest(from: key, { flags[$0]?.prerequisites.map(\.flag.rawValue) ?? [] }, known: &knownDown, path: &path)
        let up = try longest(from: key, { dependants[$0] ?? [] }, known: &knownUp, path: &path)
        let chain = up.reversed().dropLast() + down
        if chain.count - 1 > limit { throw tooLong(chain) }
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
