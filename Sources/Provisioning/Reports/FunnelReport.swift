public import EventStore
public import Foundation

/// The self-serve funnel: how many tenants signed up, were provisioned, got value (their first
/// flag evaluation) and paid, with the conversion between steps. Computed from the event store
/// alone (the control plane's `tenant-<id>` streams), so it covers every tenant there ever was
/// and needs no read model.
///
/// - signed up: `TenantRegistered`
/// - provisioned: `TenantProvisioned`
/// - activated: `TenantActivated` (the first successful flag evaluation with an API key)
/// - paid: provisioned on a paid plan (`Plan.isPaid`: pro, enterprise), or a `PlanChanged` to one
///
/// The funnel is strict: a step counts the tenants that reached it *and every step before it*
/// (a tenant that pays without ever evaluating a flag counts up to "provisioned"), so each rate
/// is at most 1. `since` keeps the tenants registered at or after that time: a cohort.
///
/// ```swift
/// let report = try await FunnelReport.load(from: runtime.operatorEventStore, since: weekAgo)
/// report.steps.map { ($0.stage, $0.count, $0.conversionFromPrevious) }
/// ```
public struct FunnelReport: Sendable, Hashable, Codable {
    /// The funnel's steps, in order; raw values are stable names for JSON and scripts.
    public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
        case signedUp = "signed-up"
        case provisioned
        case activated
        case paid
    }

    /// One step: how many tenants reached it, and the rates.
    public struct Step: Sendable, Hashable, Codable {
        public let stage: Stage
        public let count: Int
        /// `count` over the previous step's count; nil for the first step, or when the previous
        /// step counted nobody.
        public let conversionFromPrevious: Double?
        /// `count` over the signups; nil when there were none.
        public let conversionFromStart: Double?
    }

    /// The cohort's start (registration time), nil for every tenant.
    public let since: Date?
    /// One per `Stage`, in order.
    public let steps: [Step]

    /// Signups that went all the way to paid (the last step's `conversionFromStart`).
    public var overallConversion: Double? { steps.last?.conversionFromStart }

    /// The step of a stage.
    public func count(_ stage: Stage) -> Int {
        steps.first { $0.stage == stage }?.count ?? 0
    }

    /// The report of `events` (any order within a stream is the stream's order; streams may
    /// interleave), keeping tenants registered at or after `since`. Events other than the
    /// control plane's `tenant-<id>` streams are ignored.
    public init(events: some Sequence<RecordedEvent>, since: Date?) throws {
        var tally = Tally()
        for event in events { try tally.add(event) }
        self.init(tally: tally, since: since)
    }

    /// Reads the control plane's `tenant` streams from `store` (acting as `tenantry_operator`)
    /// page by page and computes the report.
    public static func load(from store: EventLog, since: Date?, pageSize: Int = 1000) async throws -> FunnelReport {
        var tally = Tally()
        var after: Int64 = 0
        while true {
            let page = try await store.readCategory("tenant", tenant: ControlPlane.tenantID, after: after, limit: pageSize)
            for event in page { try tally.add(event) }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.position
        }
        return FunnelReport(tally: tally, since: since)
    }

    private init(tally: Tally, since: Date?) {
        self.since = since
        let cohort = tally.tenants.values.filter { progress in
            guard let registeredAt = progress.registeredAt else { return false }
            return since.map { registeredAt >= $0 } ?? true
        }
        // Strict: each step needs the ones before it.
        let counts: [Int] = [
            cohort.count,
            cohort.filter(\.provisioned).count,
            cohort.filter { $0.provisioned && $0.activated }.count,
            cohort.filter { $0.provisioned && $0.activated && $0.paid }.count,
        ]
        steps = Stage.allCases.enumerated().map { index, stage in
            let count = counts[index]
            return Step(
                stage: stage, count: count,
                conversionFromPrevious: index == 0 ? nil : Self.rate(count, of: counts[index - 1]),
                conversionFromStart: Self.rate(count, of: counts[0])
            )
        }
    }

    private static func rate(_ part: Int, of whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    /// What each tenant reached, folded from its events.
    private struct Tally {
        struct Progress {
            var registeredAt: Date?
            var provisioned = false
            var activated = false
            var paid = false
        }

        /// By stream name (`tenant-<id>`).
        var tenants: [String: Progress] = [:]

        mutating func add(_ recorded: RecordedEvent) throws {
            guard recorded.tenantID == ControlPlane.tenantID, recorded.category == "tenant",
                  let event = try TenantEvent(recorded)
            else { return }
            var progress = tenants[recorded.stream] ?? Progress()
            switch event {
            case .registered:
                progress.registeredAt = recorded.recordedAt
            case .provisioned(let provisioned):
                progress.provisioned = true
                if provisioned.plan.isPaid { progress.paid = true }
            case .activated:
                progress.activated = true
            case .planChanged(let change):
                if change.to.isPaid { progress.paid = true }
            default:
                return
            }
            tenants[recorded.stream] = progress
        }
    }
}
