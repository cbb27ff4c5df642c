@testable import EventStore
import Synchronization
import TestSupport
import Testing

@Suite("Catch-ups coalesce: callers arriving during a run share the next one")
struct CoalescedRunsTests {
    /// What the runs of one test did, in order.
    final class Journal: Sendable {
        private let entries = Mutex<[String]>([])
        func note(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
        func count(_ entry: String) -> Int { entries.withLock { $0.filter { $0 == entry }.count } }
    }

    @Test("one caller runs at once; three arriving during its run share a second run that starts only after the first has ended")
    func latecomersShareTheNextRun() async throws {
        let runs = CoalescedRuns()
        let journal = Journal()
        let firstGate = Gate()
        let operation: @Sendable (Duration) async throws -> Void = { _ in
            let number = journal.count("start") + 1
            journal.note("start")
            if number == 1 { await firstGate.wait() }
            journal.note("end")
        }
        let first = Task { try await runs.run(timeout: .seconds(1), operation) }
        try await waitUntil("the first run started") { journal.count("start") == 1 }
        let latecomers = (0..<3).map { _ in Task { try await runs.run(timeout: .seconds(1), operation) } }
        try await waitUntil("the latecomers wait") { runs.waitingCallers == 4 }
        await firstGate.open()
        try await first.value
        for latecomer in latecomers { try await latecomer.value }
        // Two runs, the second begun only after the first had ended.
        #expect(journal.all == ["start", "end", "start", "end"])
        #expect(runs.waitingCallers == 0)

        // With nothing running, the next caller runs at once on its own.
        try await runs.run(timeout: .seconds(1), operation)
        #expect(journal.all.count == 6)
    }

    @Test("a run's error reaches every caller sharing it, and the next run starts afresh")
    func errorsReachEveryone() async throws {
        struct Refused: Error {}
        let runs = CoalescedRuns()
        let gate = Gate()
        let calls = Atomic<Int>(0)
        let failing: @Sendable (Duration) async throws -> Void = { _ in
            if calls.add(1, ordering: .relaxed).newValue == 1 { await gate.wait() }
            throw Refused()
        }
        let first = Task { try await runs.run(timeout: .seconds(1), failing) }
        try await waitUntil("the first run started") { calls.load(ordering: .relaxed) == 1 }
        let sharing = (0..<2).map { _ in Task { try await runs.run(timeout: .seconds(1), failing) } }
        try await waitUntil("both wait for the next run") { runs.waitingCallers == 3 }
        await gate.open()
        await #expect(throws: Refused.self) { try await first.value }
        for task in sharing { await #expect(throws: Refused.self) { try await task.value } }
        #expect(calls.load(ordering: .relaxed) == 2)
        await #expect(throws: Refused.self) { try await runs.run(timeout: .seconds(1), failing) }
        #expect(calls.load(ordering: .relaxed) == 3)
    }

    @Test("a cancelled caller stops waiting at once while the run goes on for the others; a run nobody waits for is cancelled")
    func cancellation() async throws {
        let runs = CoalescedRuns()
        let journal = Journal()
        let gate = Gate()
        let operation: @Sendable (Duration) async throws -> Void = { _ in
            journal.note("start")
            await gate.wait()
            journal.note(Task.isCancelled ? "cancelled" : "finished")
        }
        // The first run is held at the gate; two callers then share the second.
        let first = Task { try await runs.run(timeout: .seconds(1), operation) }
        try await waitUntil("the first run started") { journal.count("start") == 1 }
        let leaving = Task { try await runs.run(timeout: .seconds(1), operation) }
        let staying = Task { try await runs.run(timeout: .seconds(1), operation) }
        try await waitUntil("both wait for the second run") { runs.waitingCallers == 3 }
        leaving.cancel()
        // Returns while the first run is still held at the gate.
        await #expect(throws: CancellationError.self) { try await leaving.value }
        #expect(journal.all == ["start"])
        await gate.open()
        try await first.value
        try await staying.value
        #expect(journal.all == ["start", "finished", "start", "finished"])

        let secondGate = Gate()
        let held: @Sendable (Duration) async throws -> Void = { _ in
            journal.note("held")
            await secondGate.wait()
            journal.note(Task.isCancelled ? "cancelled" : "finished")
        }
        let alone = Task { try await runs.run(timeout: .seconds(1), held) }
        try await waitUntil("the lone run started") { journal.count("held") == 1 }
        alone.cancel()
        await #expect(throws: CancellationError.self) { try await alone.value }
        await secondGate.open()
        try await waitUntil("the abandoned run ended") { journal.all.count == 6 }
        #expect(journal.all.last == "cancelled")
        #expect(runs.waitingCallers == 0)
    }

    @Test("a shared run waits as long as its most patient caller asked")
    func longestTimeoutWins() async throws {
        let runs = CoalescedRuns()
        let gate = Gate()
        let timeouts = Mutex<[Duration]>([])
        let operation: @Sendable (Duration) async throws -> Void = { timeout in
            let first = timeouts.withLock { $0.append(timeout); return $0.count == 1 }
            if first { await gate.wait() }
        }
        let first = Task { try await runs.run(timeout: .seconds(1), operation) }
        try await waitUntil("the first run started") { timeouts.withLock { $0.count } == 1 }
        let short = Task { try await runs.run(timeout: .seconds(2), operation) }
        let long = Task { try await runs.run(timeout: .seconds(9), operation) }
        try await waitUntil("both wait") { runs.waitingCallers == 3 }
        await gate.open()
        try await first.value
        try await short.value
        try await long.value
        #expect(timeouts.withLock { $0 } == [.seconds(1), .seconds(9)])
    }
}
