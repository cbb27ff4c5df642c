public import EventStore
public import Foundation

/// Every flag, folded from the `flag` streams of the control plane: the snapshot evaluation
/// reads. A value: the live catalog swaps in a new one after each batch of events, and an
/// evaluation keeps the one it started with.
public struct FlagCatalog: Sendable {
    /// Every flag by key, archived ones included (a new dictionary on each read: look one
    /// flag up with `flag(_:)` or `anyFlag(_:)`).
    public var flags: [String: Flag] { entries.mapValues(\.flag) }
    /// The flags behind references, so that evaluation reads a flag's fields without copying
    /// it (see `FlagEntry`).
    private var entries: [String: FlagEntry]
    /// The feed position of the last event folded in (for readiness and propagation checks).
    public private(set) var cursor: GlobalCursor?
    /// Counts the events folded in; changes whenever the catalog does.
    public private(set) var revision: UInt64
    /// The keys of the flags that evaluate, sorted: kept as flags come and go, so a bulk
    /// evaluation neither filters nor sorts.
    public private(set) var activeKeys: [String]

    public init() {
        entries = [:]
        cursor = nil
        revision = 0
        activeKeys = []
    }

    /// The catalog of these flags (tests, benchmarks, imports).
    public init(flags: [Flag]) {
        self.init()
        for flag in flags { entries[flag.key.rawValue] = FlagEntry(flag) }
        activeKeys = entries.values.filter { !$0.flag.isArchived }.map(\.flag.key.rawValue).sorted()
        revision = UInt64(flags.count)
    }

    /// The flags that evaluate (not archived), by key.
    public var activeFlags: [Flag] {
        activeKeys.compactMap { entries[$0]?.flag }
    }

    /// The active flag with this key.
    public func flag(_ key: String) -> Flag? {
        guard let flag = entries[key]?.flag, !flag.isArchived else { return nil }
        return flag
    }

    /// The flag with this key, archived or not.
    public func anyFlag(_ key: String) -> Flag? {
        entries[key]?.flag
    }

    /// The variant the flag `key` (archived or not) overrides `tenant` to, read in place: the
    /// two lookups every evaluation starts with, and so the floor `bench flags` measures
    /// evaluation against.
    public func override(_ key: String, tenant: UUID) -> String? {
        entries[key]?.flag.overrides[tenant]
    }

    /// What evaluation needs of the active flag `key`: its compiled form, the variant `tenant`
    /// is overridden to, and whether any tenant is. Touches nothing else of the flag, so the
    /// lookup copies no part of it.
    func evaluationEntry(_ key: String, tenant: UUID?) -> (flag: CompiledFlag, override: String?, hasOverrides: Bool)? {
        guard let entry = entries[key], !entry.flag.isArchived else { return nil }
        return (entry.flag.compiled, tenant.flatMap { entry.flag.overrides[$0] }, !entry.flag.overrides.isEmpty)
    }

    /// A flag's key (archived ones included) that equals `key` but for case: a new key like it
    /// is refused, since people and tools that fold case could not tell the two apart.
    public func keyDiffering(onlyInCaseFrom key: String) -> String? {
        Self.key(among: entries.keys, differingOnlyInCaseFrom: key)
    }

    /// The first of `keys` that equals `key` but for case.
    static func key(among keys: some Sequence<String>, differingOnlyInCaseFrom key: String) -> String? {
        let folded = key.lowercased()
        return keys.filter { $0 != key && $0.lowercased() == folded }.min()
    }

    /// Refuses a new flag whose key differs only in case from a flag's in the catalog.
    func requireDistinctKey(for key: FlagKey) throws(FlagError) {
        if let existing = keyDiffering(onlyInCaseFrom: key.rawValue) {
            throw Self.keyDifferingOnlyInCase(key, from: existing)
        }
    }

    static func keyDifferingOnlyInCase(_ key: FlagKey, from existing: String) -> FlagError {
        .invalidDefinition("flag key \"\(key)\" differs only in case from the flag \"\(existing)\"; use that key or another")
    }

    /// Folds a recorded event of a `flag-<key>` stream in; other events are ignored.
    public mutating func apply(_ recorded: RecordedEvent) throws {
        guard recorded.category == FlagStreams.category, recorded.tenantID == EventLog.controlPlaneTenantID,
            let event = try FlagEvent(recorded)
        else { return }
        let key = String(recorded.stream.dropFirst(FlagStreams.category.count + 1))
        if case .defined(let defined) = event {
            replace(Flag(defined: defined, at: recorded.recordedAt, version: recorded.version))
        } else {
            update(key) { $0.apply(event, at: recorded.recordedAt, version: recorded.version) }
        }
        cursor = recorded.cursor
        revision &+= 1
    }

    /// Changes the flag `key` (if there is one) in place when no other catalog value shares its
    /// entry, else in a copy of it: a copy of the flag each time would copy its overrides on
    /// every override event.
    mutating func update(_ key: String, _ change: (inout Flag) -> Void) {
        guard let index = entries.index(forKey: key) else { return }
        if !isKnownUniquelyReferenced(&entries.values[index]) { entries.values[index] = FlagEntry(entries.values[index].flag) }
        entries.values[index].update(change)
        listActive(entries.values[index].flag)
    }

    /// Puts a flag in place as it would be after a change (for checking a change before it is
    /// recorded).
    mutating func replace(_ flag: Flag) {
        entries[flag.key.rawValue] = FlagEntry(flag)
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
            for prerequisite in entries[candidate]?.flag.prerequisites ?? [] { dependants[prerequisite.flag.rawValue, default: []].append(candidate) }
        }
        var knownDown: [String: [String]] = [:]
        var knownUp: [String: [String]] = [:]
        var path: [String] = []
        let down = try longest(from: key, { entries[$0]?.flag.prerequisites.map(\.flag.rawValue) ?? [] }, known: &knownDown, path: &path)
        let up = try longest(from: key, { dependants[$0] ?? [] }, known: &knownUp, path: &path)
        let chain = up.reversed().dropLast() + down
        if chain.count - 1 > limit { throw tooLong(chain) }
    }

    /// A path of prerequisites from `start` back to itself, if there is one.
    func prerequisiteCycle(from start: String) -> [String]? {
        var path = [start]
        var visited = Set<String>()
        func visit(_ key: String) -> Bool {
            for prerequisite in entries[key]?.flag.prerequisites ?? [] {
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
