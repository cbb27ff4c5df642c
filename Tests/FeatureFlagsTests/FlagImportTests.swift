import EventStore
import FeatureFlags
import Foundation
import TestSupport
import Testing

@Suite("Importing flags, all or nothing")
struct FlagImportTests {
    static let change = FlagService.Change(actor: "operator:test", reason: "import")

    static func toggle(_ key: String, variants: [String: JSONValue] = ["on": true, "off": false], prerequisites: [Prerequisite] = [], description: String = "") throws -> Flag {
        Flag(key: try FlagKey(key), description: description, type: .boolean, variants: variants, defaultVariant: "off", prerequisites: prerequisites)
    }

    @Test("a document valid as a whole is recorded in one go, even when each change alone would be refused")
    func wholeDocumentIsChecked() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            let b = try FlagKey("imp-b")
            _ = try await flags.importFlags([
                try Self.toggle("imp-a"),
                try Self.toggle("imp-b", variants: ["off": false, "x": true]),
                try Self.toggle("imp-c", prerequisites: [Prerequisite(flag: b, variant: "x")]),
            ], by: Self.change)
            // b drops x while c moves from x to y: fine together, refused one at a time.
            let outcome = try await flags.importFlags([
                try Self.toggle("imp-a", description: "now described"),
                try Self.toggle("imp-b", variants: ["off": false, "y": true]),
                try Self.toggle("imp-c", prerequisites: [Prerequisite(flag: b, variant: "y")]),
            ], by: Self.change)
            #expect(outcome.map(\.action) == [.changed, .changed, .changed])
            let catalog = try await flags.catalog()
            #expect(catalog.flag("imp-a")?.description == "now described")
            #expect(catalog.flag("imp-b")?.variants.keys.sorted() == ["off", "y"])
            #expect(catalog.flag("imp-c")?.prerequisites == [Prerequisite(flag: b, variant: "y")])
            #expect(try await flags.history(try FlagKey("imp-a")).last?.type == "FlagDescribed")
            // The same document again changes nothing.
            let again = try await flags.importFlags([
                try Self.toggle("imp-a", description: "now described"),
                try Self.toggle("imp-b", variants: ["off": false, "y": true]),
                try Self.toggle("imp-c", prerequisites: [Prerequisite(flag: b, variant: "y")]),
            ], by: Self.change)
            #expect(again.map(\.action) == [.unchanged, .unchanged, .unchanged])
        }
    }

    @Test("a key that differs from another only in case is refused, by define and by import, archived flags included")
    func keysDistinctButForCase() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            try await flags.define(try Self.toggle("newCheckout"), by: Self.change)
            do {
                try await flags.define(try Self.toggle("newcheckout"), by: Self.change)
                Issue.record("a key differing only in case was defined")
            } catch let error as FlagError {
                #expect(error.description == #"flag key "newcheckout" differs only in case from the flag "newCheckout"; use that key or another"#)
            }
            try await flags.archive(try FlagKey("newCheckout"), by: Self.change)
            await #expect(throws: FlagError.self) { try await flags.define(try Self.toggle("NewCheckout"), by: Self.change) }
            // Within one document too, and then nothing of it is recorded.
            await #expect(throws: FlagError.self) {
                _ = try await flags.importFlags([try Self.toggle("darkMode"), try Self.toggle("DarkMode")], by: Self.change)
            }
            #expect(try await flags.load(try FlagKey("darkMode")) == nil)
            // Case-sensitive keys otherwise work as any other.
            try await flags.define(try Self.toggle("betaUI"), by: Self.change)
            #expect(try await flags.catalog().flag("betaUI") != nil)
        }
    }

    @Test("a document with one bad flag records nothing, not even the flags before it")
    func badDocumentRecordsNothing() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            let b = try FlagKey("imp-b")
            _ = try await flags.importFlags([
                try Self.toggle("imp-a"),
                try Self.toggle("imp-b", variants: ["off": false, "x": true]),
                try Self.toggle("imp-c", prerequisites: [Prerequisite(flag: b, variant: "x")]),
            ], by: Self.change)
            let before = try await flags.history(try FlagKey("imp-a")).count
            // imp-c (not in this document) still requires imp-b's x, which the document drops.
            do {
                _ = try await flags.importFlags([
                    try Self.toggle("imp-a", description: "changed first"),
                    try Self.toggle("new-one"),
                    try Self.toggle("imp-b", variants: ["off": false, "y": true]),
                ], by: Self.change)
                Issue.record("the import was recorded")
            } catch let error as FlagError {
                #expect(error.description.contains("imp-c"))
            }
            #expect(try await flags.history(try FlagKey("imp-a")).count == before)
            #expect(try await flags.load(try FlagKey("new-one")) == nil)
            // A dry run checks and records nothing either.
            let dry = try await flags.importFlags([try Self.toggle("dry-one")], by: Self.change, dryRun: true)
            #expect(dry.map(\.action) == [.defined])
            #expect(try await flags.load(try FlagKey("dry-one")) == nil)
        }
    }

    @Test("a scheduled change that can no longer apply is cancelled with its reason and does not block the others")
    func brokenScheduledChangeIsCancelled() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            let (poison, victim) = (try FlagKey("a-poison"), try FlagKey("z-victim"))
            try await flags.define(try Self.toggle("a-poison"), by: Self.change)
            try await flags.define(Flag(key: victim, type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off", isEnabled: false), by: Self.change)
            // Through the service the variant could not be dropped while the rollout names it…
            let rollout = ScheduledChange(at: Date().addingTimeInterval(-5), action: .rollout(.percentage(50, of: "on")))
            try await flags.schedule(poison, rollout, by: Self.change)
            await #expect(throws: FlagError.self) {
                try await flags.setVariants(poison, ["off": false, "yes": true], defaultVariant: "off", by: Self.change)
            }
            // …but history written by an older version can hold such a change.
            let stale = try NewEvent(
                type: "FlagVariantsChanged", dataJSON: #"{"variants":{"off":false,"yes":true},"defaultVariant":"off"}"#,
                metadataJSON: #"{"actor":"older-version"}"#
            )
            try await harness.operatorEventStore.append([stale], to: FlagStreams.stream(poison), tenant: EventLog.controlPlaneTenantID)
            try await flags.schedule(victim, ScheduledChange(at: Date().addingTimeInterval(-5), action: .enable), by: Self.change)

            let results = try await flags.applyDueChanges(at: Date())
            #expect(results.count == 2)
            let cancelled = results.first { $0.flag == poison }
            if case .cancelled(let reason)? = cancelled?.outcome {
                #expect(reason.contains("unknown variant \"on\""))
            } else {
                Issue.record("the broken change was not cancelled: \(String(describing: cancelled))")
            }
            #expect(try await flags.load(victim)?.isEnabled == true)
            #expect(try await flags.load(poison)?.scheduledChanges.isEmpty == true)
            #expect(try await flags.history(poison).last?.type == "FlagScheduledChangeCancelled")
            // Nothing is left to retry.
            #expect(try await flags.applyDueChanges(at: Date()).isEmpty)
        }
    }
}
