public import Foundation

/// How many self-service changes of each kind a tenant's stream recorded on its latest UTC
/// day: folded from the events into `TenantState`, so every server decides a cap on the same
/// count (see `TenantDailyCaps`). Counts every such event, whoever wrote it.
public struct TenantDailyChanges: Sendable, Hashable, Codable {
    /// The kinds of change a tenant may make only so often a day.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An API key issued or revoked.
        case apiKey
        /// A move to another plan.
        case plan
    }

    /// The UTC day (days since 1970-01-01) the counts are of; nil before the first change.
    public private(set) var day: Int?
    public private(set) var counts: [Kind: Int] = [:]

    public init() {}

    /// The UTC day `time` falls on.
    public static func day(of time: Date) -> Int {
        Int((time.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The start of the UTC day after the one `time` falls on: when the counts start again.
    public static func nextDay(after time: Date) -> Date {
        Date(timeIntervalSince1970: Double(day(of: time) + 1) * 86_400)
    }

    /// Counts one change of `kind` recorded at `time` (events fold in order, so a later day
    /// starts the counts afresh).
    mutating func count(_ kind: Kind, at time: Date) {
        let today = Self.day(of: time)
        if day != today {
            day = today
            counts = [:]
        }
        counts[kind, default: 0] += 1
    }

    /// How many changes of `kind` were recorded on the UTC day `time` falls on.
    public func count(of kind: Kind, on time: Date) -> Int {
        day == Self.day(of: time) ? counts[kind] ?? 0 : 0
    }
}
