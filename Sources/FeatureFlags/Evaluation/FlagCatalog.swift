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

    public init() {
        flags = [:]
        cursor = nil
        revision = 0
    }

    /// The catalog of these flags (tests, benchmarks, imports).
    public init(flags: [Flag]) {
        self.init()
        for flag in flags { self.flags[flag.key.rawValue] = flag }
        revision = UInt64(flags.count)
    }

    /// The flags that evaluate (not archived), by key.
    public var activeFlags: [Flag] {
        flags.values.filter { !$0.isArchived }.sorted { $0.key < $1.key }
    }

    /// The active flag with this key.
    public func flag(_ key: String) -> Flag? {
        guard let flag = flags[key], !flag.isArchived else { return nil }
        return flag
    }

    /// Folds a recorded event of a `flag-<key>` stream in; other events are ignored.
    public mutating func apply(_ recorded: RecordedEvent) throws {
        guard recorded.category == FlagStreams.category, recorded.tenantID == EventStore.controlPlaneTenantID,
            let event = try FlagEvent(recorded)
        else { return }
        let key = String(recorded.stream.dropFirst(FlagStreams.category.count + 1))
        if case .defined(let defined) = event {
            flags[key] = Flag(defined: defined, at: recorded.recordedAt, version: recorded.version)
        } else {
            flags[key]?.apply(event, at: recorded.recordedAt, version: recorded.version)
        }
        cursor = recorded.cursor
        revision &+= 1
    }

    /// Puts a flag in place as it would be after a change (for checking a change before it is
    /// recorded).
    mutating func replace(_ flag: Flag) {
        flags[flag.key.rawValue] = flag
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
