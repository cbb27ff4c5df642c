import EventStore
import Foundation
import TestSupport
import Testing

@Suite("Concurrent writers on one stream")
struct ConcurrentWritersTests {
    @Test("16 writers × 500 appends with exact expected version: versions 1…8000, no gap, no duplicate")
    func sixteenWritersOneStream() async throws {
        let writers = 16
        let appendsPerWriter = 500
        try await withEventStore(maximumConnections: writers) { store, _ async throws in
            let tenant = UUID()
            let stream: StreamName = "counter-1"
            let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var known: Int64 = 0
                        var conflicts = 0
                        for n in 0..<appendsPerWriter {
                            let event = TestEvents.event(writer * appendsPerWriter + n)
                            while true {
                                do {
                                    let result = try await store.append(
                                        [event], to: stream, tenant: tenant, expectedVersion: .exact(known)
                                    )
                                    known = result.streamVersion
                                    break
                                } catch let EventStoreError.wrongExpectedVersion(_, _, actual) {
                                    // Lost the race: learn the real version and retry.
                                    conflicts += 1
                                    known = actual
                                }
                            }
                        }
                        return conflicts
                    }
                }
                return try await group.reduce(0, +)
            }

            var events: [RecordedEvent] = []
            var from: Int64 = 1
            while true {
                let batch = try await store.readStream(stream, tenant: tenant, from: from, limit: 5000)
                guard let last = batch.last else { break }
                events += batch
                from = last.version + 1
            }
            #expect(events.count == writers * appendsPerWriter)
            #expect(events.map(\.version) == Array(1...Int64(writers * appendsPerWriter)))
            #expect(Set(events.map(\.id)).count == events.count)
            let payloads = try events.map { try $0.decodeData(as: TestEvents.Payload.self).n }
            #expect(Set(payloads) == Set(0..<(writers * appendsPerWriter)))
            // The race really happened: writers lost and retried.
            #expect(conflicts > 0)
        }
    }
}
