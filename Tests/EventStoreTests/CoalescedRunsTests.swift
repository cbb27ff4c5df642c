@testable import EventStore
import Synchronization
import TestSupport
import Testing

@Suite("Catch-ups coalesce: callers arriving during a run share the next one")
struct CoalescedRunsTests {
    @Test("one caller runs at once; three arriving during its run share a second run that starts only after it")
    func latecomersShareTheNextRun() async throws {
        let runs = CoalescedRuns()
        let started = Mutex<[Int]>([])
        let firstGate = Gate()
        let operation: @Sendable () async throws -> Void = {
            let number = started.withLock { $0.append($0.count + 1); return $0.count }
            if number == 1 { await firstGate.wait() }
        }
        let first = Task { try await runs.run(operation) }
        try await waitUntil("the first run started") { started.withLock { $0.count } == 1 }
        let latecomers = (0..<3).map { _ in Task { try await runs.run(operation) } }
        try await waitUntil("the latecomers wait") { runs.waitingCallers == 4 }
        // The latecomers' run must not start while the first one is under way.
        #expect(started.withLock { $0.count } == 1)
        await firstGate.open()
        try await first.value
        for latecomer in latecomers { try await latecomer.value }
        #expect(started.withLock { $0 } == [1, 2])
        #expect(runs.waitingCallers == 0)

        // With nothing running, the next caller runs at once on its own.
        try await runs.run(operation)
        #expect(started.withLock { $0 } == [1, 2, 3])
    }

    @Test("a run's error reaches every caller sharing it, and the next run starts afresh")
    func errorsReachEveryone() async throws {
        struct Refused: Error {}
        let runs = CoalescedRuns()
        let gate = Gate()
        let calls = Atomic<Int>(0)
        let failing: @Sendable () async throws -> Void = {
            if calls.add(1, ordering: .relaxed).newValue == 1 { await gate.wait() }
            throw Refused()
        }
        let first = Task { try await runs.run(failing) }
        try await waitUntil("the first run started") { calls.load(ordering: .relaxed) == 1 }
        let sharing = (0..<2).map { _ in Task { try await runs.run(failing) } }
        try await waitUntil("both wait for the next run") { runs.waitingCallers == 3 }
        await gate.open()
        await #expect(throws: Refused.self) { try await first.value }
        for task in sharing { await #expect(throws: Refused.self) { try await task.value } }
        #expect(calls.load(ordering: .relaxed) == 2)
        await #expect(throws: Refused.self) { try await runs.run(failing) }
        #expect(calls.load(ordering: .relaxed) == 3)
    }
}
