import Foundation
import EventStore
import PostgresClient

extension FlagService {
    /// What an import did (or, in a dry run, would do) with one flag.
    public enum ImportAction: String, Sendable {
        case defined, changed, unchanged
    }

    /// Makes the catalog match `flags` (a flagd document's, say): each flag is defined, or
    /// changed with only what differs recorded; flags not given are left alone.
    ///
    /// All or nothing: under the catalog lock, every flag is checked against the catalog as it
    /// will be afterwards (types, archived keys, variants other flags require, prerequisite
    /// cycles), and then every stream is appended in one transaction, each at the version it
    /// was decided on. A concurrent change to one of the flags makes the whole import decide
    /// again. `dryRun` checks and reports without recording.
    public func importFlags(_ flags: [Flag], by change: Change, dryRun: Bool = false) async throws -> [(key: FlagKey, action: ImportAction)] {
        for flag in flags { try flag.validate() }
        let keys = flags.map(\.key)
        if let duplicate = keys.first(where: { key in keys.filter { $0 == key }.count > 1 }) {
            throw FlagError.invalidDefinition("flag \(duplicate) is given twice")
        }
        for _ in 0..<8 {
            do {
                return try await withCatalogLock {
                    let plan = try Self.importPlan(flags, against: try await catalog(), at: now())
                    if !dryRun, plan.contains(where: { !$0.events.isEmpty }) { try await record(plan, by: change) }
                    return plan.map { ($0.flag.key, $0.action) }
                }
            } catch EventStoreError.wrongExpectedVersion {
                continue
            }
        }
        throw FlagError.conflict("the flags kept changing while the import was decided; try again")
    }

    /// One flag's part of an import: the events that turn the catalog's flag into the given one.
    struct ImportStep: Sendable {
        let flag: Flag
        let action: ImportAction
        let events: [FlagEvent]
        let expected: ExpectedVersion
    }

    static func importPlan(_ flags: [Flag], against catalog: FlagCatalog, at time: Date) throws -> [ImportStep] {
        var combined = catalog
        var steps: [ImportStep] = []
        for flag in flags {
            guard let existing = catalog.anyFlag(flag.key.rawValue) else {
                try combined.requireDistinctKey(for: flag.key)
                let events = newFlagEvents(flag)
                let defined = try applying(events, to: nil, at: time)
                combined.replace(defined)
                steps.append(ImportStep(flag: defined, action: .defined, events: events, expected: .noStream))
                continue
            }
            if existing.isArchived { throw FlagError.archived(flag.key.rawValue) }
            guard existing.type == flag.type else {
                throw FlagError.invalidDefinition(
                    "flag \(flag.key) is \(existing.type.rawValue); it cannot become \(flag.type.rawValue) (archive it and define it anew)"
                )
            }
            var events: [FlagEvent] = []
            if existing.description != flag.description || existing.metadata != flag.metadata {
                events.append(.described(.init(description: flag.description, metadata: flag.metadata)))
            }
            if existing.variants != flag.variants || existing.defaultVariant != flag.defaultVariant {
                events.append(.variantsChanged(.init(variants: flag.variants, defaultVariant: flag.defaultVariant)))
            }
            if existing.isEnabled != flag.isEnabled {
                events.append(flag.isEnabled ? .enabled(.init()) : .disabled(.init()))
            }
            events += targetingEvents(from: existing, to: flag)
            let next = events.isEmpty ? existing : try applying(events, to: existing, at: time)
            combined.replace(next)
            steps.append(ImportStep(flag: next, action: events.isEmpty ? .unchanged : .changed, events: events, expected: .exact(existing.version)))
        }
        // Checked against the catalog as it will be, so the order of the document is irrelevant.
        for flag in combined.activeFlags {
            try combined.validatePrerequisites(of: flag)
        }
        return steps
    }

    /// Appends every step in one transaction of the control plane.
    private func record(_ plan: [ImportStep], by change: Change) async throws {
        let metadata = change.metadata
        let batches = try plan.filter { !$0.events.isEmpty }.map { step in
            (stream: FlagStreams.stream(step.flag.key), events: try step.events.map { try $0.newEvent(metadata: metadata) }, expected: step.expected)
        }
        for step in plan where !step.events.isEmpty { try await beforeAppendHook?(step.flag.key) }
        // `append(on:)` throws the store's own errors, a wrong expected version among them.
        try await store.inTenant(EventLog.controlPlaneTenantID) { [store] connection in
            for batch in batches {
                try store.append(batch.events, to: batch.stream, tenant: EventLog.controlPlaneTenantID, expectedVersion: batch.expected, on: connection)
            }
        }
    }
}
