import EventStore
import FeatureFlags
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Flag commands recorded as events")
struct FlagServiceTests {
    static let operatorChange = FlagService.Change(actor: "operator:test", reason: "testing")

    static func booleanFlag(_ key: String) throws -> Flag {
        Flag(key: try FlagKey(key), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off")
    }

    static func outcome(_ body: () async throws -> Flag) async -> Result<Flag, any Error> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    @Test("each change is an event with its actor and reason; a key is defined once")
    func changesAreEvents() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            let key = try FlagKey("new-billing")
            try await flags.define(try Self.booleanFlag("new-billing"), by: Self.operatorChange)
            let tenant = UUID()
            try await flags.setOverride(key, tenant: tenant, variant: "on", by: .init(actor: "operator:ann", reason: "beta customer"))
            try await flags.setEnabled(key, false, by: .init(actor: "operator:bob", reason: "incident 12"))

            let history = try await flags.history(key)
            #expect(history.map(\.type) == ["FlagDefined", "TenantFlagOverrideSet", "FlagDisabled"])
            #expect(history.map(\.metadata.actor) == ["operator:test", "operator:ann", "operator:bob"])
            #expect(history[2].metadata.reason == "incident 12")

            let flag = try #require(try await flags.load(key))
            #expect(flag.overrides[tenant] == "on")
            #expect(!flag.isEnabled)

            await #expect(throws: FlagError.alreadyExists("new-billing")) {
                try await flags.define(try Self.booleanFlag("new-billing"), by: Self.operatorChange)
            }
            // A change that changes nothing records nothing.
            try await flags.setEnabled(key, false, by: Self.operatorChange)
            #expect(try await flags.history(key).count == 3)
        }
    }

    @Test("an invalid change is refused naming the problem, and nothing is written")
    func invalidChangesWriteNothing() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            let key = try FlagKey("theme")
            try await flags.define(
                Flag(key: key, type: .string, variants: ["light": "light", "dark": "dark"], defaultVariant: "light"),
                by: Self.operatorChange
            )
            await #expect(throws: FlagError.self) {
                try await flags.setOverride(key, tenant: UUID(), variant: "purple", by: Self.operatorChange)
            }
            await #expect(throws: FlagError.self) {
                try await flags.setRollout(key, .percentage(30, of: "sepia"), by: Self.operatorChange)
            }
            do {
                try await flags.addRule(
                    key,
                    TargetingRule(name: "r1", condition: .compare(attribute: "age", operator: .greaterThan, value: "old"), variant: "dark"),
                    by: Self.operatorChange
                )
                Issue.record("a numeric comparison with text was accepted")
            } catch let error as FlagError {
                #expect(error.description.contains("gt takes a number"))
            }
            await #expect(throws: FlagError.notFound("missing")) {
                try await flags.setEnabled(try FlagKey("missing"), true, by: Self.operatorChange)
            }
            #expect(try await flags.history(key).map(\.type) == ["FlagDefined"])
            #expect(try await flags.history(try FlagKey("missing")).isEmpty)
        }
    }

    @Test("define checks a new flag's prerequisites through the flags they lead to: missing, archived, a missing variant, a chain too long")
    func defineChecksPrerequisiteChains() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            let limit = FlagEvaluator.maximumPrerequisiteDepth
            func toggle(_ key: String, requiring required: String? = nil) throws -> Flag {
                Flag(
                    key: try FlagKey(key), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                    prerequisites: try required.map { [Prerequisite(flag: try FlagKey($0), variant: "off")] } ?? []
                )
            }
            // A chain of exactly the limit, defined from its tail: p0 → p1 → … → p<limit>.
            try await flags.define(try toggle("p\(limit)"), by: Self.operatorChange)
            for index in stride(from: limit - 1, through: 0, by: -1) {
                try await flags.define(try toggle("p\(index)", requiring: "p\(index + 1)"), by: Self.operatorChange)
            }
            try await flags.define(try toggle("unrelated"), by: Self.operatorChange)
            try await flags.archive(try FlagKey("unrelated"), by: Self.operatorChange)

            func refusal(_ flag: Flag) async -> String? {
                do {
                    try await flags.define(flag, by: Self.operatorChange)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            #expect(await refusal(try toggle("head", requiring: "p0"))?.contains("at most \(limit) links; this one would have \(limit + 1): head → p0 → p1") == true)
            #expect(await refusal(try toggle("ghostly", requiring: "ghost")) == #"flag ghostly: prerequisite flag "ghost" does not exist"#)
            #expect(await refusal(try toggle("late", requiring: "unrelated")) == #"flag late: prerequisite flag "unrelated" does not exist"#)
            let maybe = Flag(
                key: try FlagKey("maybe"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                prerequisites: [Prerequisite(flag: try FlagKey("p3"), variant: "perhaps")]
            )
            #expect(await refusal(maybe) == #"flag maybe: prerequisite flag "p3" has no variant "perhaps""#)
            // Nothing refused was recorded; one link less than the limit is accepted.
            #expect(try await flags.load(try FlagKey("head")) == nil)
            try await flags.define(try toggle("head", requiring: "p1"), by: Self.operatorChange)
        }
    }

    @Test("concurrent changes to one flag all land: each loser decides again on the new state")
    func concurrentChangesAllLand() async throws {
        try await withFlagHarness { harness, _ async throws in
            let key = try FlagKey("checkout")
            try await harness.flags.define(try Self.booleanFlag("checkout"), by: Self.operatorChange)
            // Every writer holds at the append until all eight have decided on version 1, so
            // seven must find the stream moved on and decide again.
            let barrier = Barrier(parties: 8)
            let flags = FlagService(store: harness.operatorEventStore, beforeAppend: { _ in try await barrier.arrive() })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await flags.addRule(
                            key,
                            TargetingRule(name: "rule-\(index)", condition: .compare(attribute: "country", operator: .equals, value: .string("C\(index)")), variant: "on"),
                            by: Self.operatorChange
                        )
                    }
                }
                try await group.waitForAll()
            }
            let flag = try #require(try await flags.load(key))
            #expect(Set(flag.rules.map(\.name)) == Set((0..<8).map { "rule-\($0)" }))
            #expect(flag.version == 9)
            // 8 first attempts, and each of the 7 losers of the first round decided again at least once.
            #expect(await barrier.arrivals >= 8 + 7)
        }
    }

    @Test("two prerequisite changes racing cannot form a cycle together: the second waits for the first")
    func prerequisiteCycleRace() async throws {
        try await withFlagHarness { harness, database async throws in
            let (a, b) = (try FlagKey("flag-a"), try FlagKey("flag-b"))
            try await harness.flags.define(try Self.booleanFlag("flag-a"), by: Self.operatorChange)
            try await harness.flags.define(try Self.booleanFlag("flag-b"), by: Self.operatorChange)
            // A's change is held after its checks until B's change is waiting for the catalog
            // lock: without the lock, B would check the catalog without A's edge and both would
            // be recorded, forming a → b → a. Only this database's catalog lock counts: other
            // tests take advisory locks in the same cluster (727300: `FlagService.lockNamespace`).
            let holdingA = FlagService(store: harness.operatorEventStore, beforeAppend: { key in
                guard key == a else { return }
                try await waitUntil("B's change waits for the catalog lock") {
                    try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                        try await connection.query(
                            """
                            SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                            WHERE d.datname = \(database.name) AND l.locktype = 'advisory' AND l.classid = 727300 AND NOT l.granted
                            """
                        ).rows.first?.decode(Int64.self) ?? 0
                    } > 0
                }
            })
            async let aRequiresB = Self.outcome {
                try await holdingA.setPrerequisites(a, [Prerequisite(flag: b, variant: "on")], by: Self.operatorChange)
            }
            try await waitUntil("A holds the catalog lock") {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                    try await connection.query(
                        """
                        SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                        WHERE d.datname = \(database.name) AND l.locktype = 'advisory' AND l.classid = 727300 AND l.granted
                        """
                    ).rows.first?.decode(Int64.self) ?? 0
                } > 0
            }
            let bRequiresA = await Self.outcome {
                try await harness.flags.setPrerequisites(b, [Prerequisite(flag: a, variant: "on")], by: Self.operatorChange)
            }
            let first = await aRequiresB
            if case .failure(let error) = first { Issue.record("A's change was refused: \(error)") }
            guard case .failure(let error) = bRequiresA else {
                Issue.record("B's change was recorded: the prerequisites now form a cycle")
                return
            }
            #expect("\(error)".contains("cycle"))
            let catalog = try await harness.flags.catalog()
            #expect(catalog.flag("flag-a")?.prerequisites.map(\.flag) == [b])
            #expect(catalog.flag("flag-b")?.prerequisites.isEmpty == true)

            // A flag others require cannot be archived, nor lose the variant they require.
            await #expect(throws: FlagError.self) { try await harness.flags.archive(b, by: Self.operatorChange) }
            await #expect(throws: FlagError.self) {
                try await harness.flags.setVariants(b, ["off": false, "yes": true], defaultVariant: "off", by: Self.operatorChange)
            }
        }
    }

    @Test("two schedulers racing for one due change: it is recorded once, and only the one that recorded it reports it")
    func racingSchedulers() async throws {
        try await withFlagHarness { harness, _ async throws in
            let key = try FlagKey("race-launch")
            let off = Flag(key: key, type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off", isEnabled: false)
            try await harness.flags.define(off, by: Self.operatorChange)
            let due = ScheduledChange(at: Date().addingTimeInterval(-1), action: .enable)
            try await harness.flags.schedule(key, due, by: Self.operatorChange)
            // Both decide on the same version before either appends, so one must lose the append
            // and decide again, finding the change applied.
            let barrier = Barrier(parties: 2)
            let schedulers = FlagService(store: harness.operatorEventStore, beforeAppend: { _ in try await barrier.arrive() })
            async let first = schedulers.applyDueChanges(at: Date())
            async let second = schedulers.applyDueChanges(at: Date())
            let reported = try await first.count + second.count
            #expect(reported == 1)
            #expect(try await harness.flags.history(key).filter { $0.type == "FlagEnabled" }.count == 1)
            #expect(await barrier.arrivals == 2)
        }
    }

    @Test("a scheduled change is applied when due, once, as its own event")
    func scheduledChangesApplyOnce() async throws {
        try await withFlagHarness { harness, _ async throws in
            let flags = harness.flags
            let key = try FlagKey("launch")
            var flag = try Self.booleanFlag("launch")
            flag = Flag(key: flag.key, type: .boolean, variants: flag.variants, defaultVariant: "off", isEnabled: false)
            try await flags.define(flag, by: Self.operatorChange)
            let now = Date()
            let due = ScheduledChange(at: now.addingTimeInterval(-1), action: .enable)
            let later = ScheduledChange(at: now.addingTimeInterval(3600), action: .rollout(.percentage(50, of: "on")))
            try await flags.schedule(key, due, by: Self.operatorChange)
            try await flags.schedule(key, later, by: Self.operatorChange)

            let applied = try await flags.applyDueChanges(at: now)
            #expect(applied.map(\.change.id) == [due.id])
            #expect(try await flags.applyDueChanges(at: now).isEmpty)
            let after = try #require(try await flags.load(key))
            #expect(after.isEnabled)
            #expect(after.scheduledChanges.map(\.id) == [later.id])
            let last = try #require(try await flags.history(key).last)
            #expect(last.type == "FlagEnabled")
            #expect(last.metadata.actor == "system:flag-scheduler")

            // The scheduler, given the live catalog, applies the later one when its time comes.
            let live = FlagCatalog.live(store: harness.operatorEventStore)
            let following = Task { try await live.run() }
            defer { following.cancel() }
            let scheduler = FlagScheduler(flags: flags, catalog: live, interval: .milliseconds(20), now: { now.addingTimeInterval(7200) })
            let scheduling = Task { await scheduler.run() }
            defer { scheduling.cancel() }
            let rolledOut = await live.waitUntil(timeout: .conditionDeadline) { $0.flag("launch")?.rollout != nil }
            #expect(rolledOut)
            #expect(live.state.flag("launch")?.scheduledChanges.isEmpty == true)
        }
    }
}
