@testable import FeatureFlags
import Foundation
import Testing

/// What a flag's events make of it (`Flag.fold`, `Flag.apply`): the flag model without a
/// database or an event store.
@Suite("Flag events fold into the flag, no database")
struct FlagFoldTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func defined() throws -> FlagEvent {
        .defined(.init(
            key: try FlagKey("new-checkout"), description: "the new checkout", type: .boolean,
            variants: ["on": .bool(true), "off": .bool(false)], defaultVariant: "off", enabled: false, metadata: [:]
        ))
    }

    static func fold(_ events: [FlagEvent]) -> Flag? {
        Flag.fold(events.enumerated().map { (event: $0.element, at: start.addingTimeInterval(Double($0.offset)), version: Int64($0.offset + 1)) })
    }

    @Test("a flag starts at FlagDefined and carries the version and time of its last event; other first events are no flag")
    func definedFirst() throws {
        let flag = try #require(Self.fold([try Self.defined(), .enabled(.init(scheduledChangeId: nil))]))
        #expect(flag.key.rawValue == "new-checkout" && flag.isEnabled && flag.defaultVariant == "off")
        #expect(flag.version == 2 && flag.createdAt == Self.start && flag.updatedAt == Self.start.addingTimeInterval(1))
        #expect(Self.fold([.enabled(.init(scheduledChangeId: nil))]) == nil)
        #expect(Self.fold([]) == nil)
    }

    @Test("overrides are per tenant and cleared one by one; entitlements and rules are replaced whole")
    func overridesAndReplacements() throws {
        let (acme, globex) = (UUID(), UUID())
        let flag = try #require(Self.fold([
            try Self.defined(),
            .overrideSet(.init(tenantId: acme, variant: "on")),
            .overrideSet(.init(tenantId: globex, variant: "on")),
            .overrideCleared(.init(tenantId: acme)),
            .entitlementsChanged(.init(entitlements: ["pro": "on", "free": "off"])),
            .entitlementsChanged(.init(entitlements: ["enterprise": "on"])),
        ]))
        #expect(flag.overrides == [globex: "on"])
        #expect(flag.entitlements == ["enterprise": "on"])
    }

    @Test("scheduled changes stay ordered by time; carrying one out, cancelling it or archiving the flag removes it")
    func scheduledChanges() throws {
        let early = ScheduledChange(at: Self.start.addingTimeInterval(60), action: .enable)
        let late = ScheduledChange(at: Self.start.addingTimeInterval(3_600), action: .disable)
        let rollout = ScheduledChange(at: Self.start.addingTimeInterval(600), action: .rollout(nil))
        let scheduled = try #require(Self.fold([
            try Self.defined(),
            .changeScheduled(.init(change: late)),
            .changeScheduled(.init(change: early)),
            .changeScheduled(.init(change: rollout)),
        ]))
        #expect(scheduled.scheduledChanges.map(\.id) == [early.id, rollout.id, late.id])

        let carriedOut = try #require(Self.fold([
            try Self.defined(),
            .changeScheduled(.init(change: late)),
            .changeScheduled(.init(change: early)),
            .changeScheduled(.init(change: rollout)),
            .enabled(.init(scheduledChangeId: early.id)),
            .rolloutChanged(.init(rollout: nil, scheduledChangeId: rollout.id)),
            // A manual toggle names no scheduled change and leaves the rest alone.
            .disabled(.init(scheduledChangeId: nil)),
        ]))
        #expect(carriedOut.scheduledChanges.map(\.id) == [late.id])
        #expect(!carriedOut.isEnabled)

        let archived = try #require(Self.fold([try Self.defined(), .changeScheduled(.init(change: late)), .archived(.init())]))
        #expect(archived.isArchived && archived.scheduledChanges.isEmpty)
        let cancelled = try #require(Self.fold([try Self.defined(), .changeScheduled(.init(change: late)), .scheduledChangeCancelled(.init(id: late.id))]))
        #expect(cancelled.scheduledChanges.isEmpty && !cancelled.isArchived)
    }

    @Test("variants and their default change together; a description change replaces the metadata")
    func variantsAndDescription() throws {
        let flag = try #require(Self.fold([
            try Self.defined(),
            .described(.init(description: "checkout v2", metadata: ["owner": .string("payments")])),
            .variantsChanged(.init(variants: ["on": .bool(true), "off": .bool(false), "dark": .bool(true)], defaultVariant: "dark")),
            .described(.init(description: "checkout v3", metadata: [:])),
        ]))
        #expect(flag.description == "checkout v3" && flag.metadata.isEmpty)
        #expect(flag.defaultVariant == "dark" && flag.variantNames.sorted() == ["dark", "off", "on"])
    }
}
