import EventStore
import Extensions
import Foundation
import TestSupport
import Testing
import WasmCustomizations
import WasmTestSupport

@Suite("A module's reactions: their own checkpoint, retried, then parked so that later events go on")
struct ModuleReactionTests {
    /// A reaction that traps on any event whose JSON holds "Poison", and takes every other.
    static let wat: String = {
        let answers = ["Poison"]
        let manifest = #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"reactions":[{"name":"audit","categories":["doc"]}]}}"#
        let body = """
            (func (export "tenantry_react") (param $input i32) (param $length i32) (result i64)
              (local $i i32) (local $j i32)
              (block $absent (loop $scan
                (br_if $absent (i32.gt_u (i32.add (local.get $i) (i32.const 6)) (local.get $length)))
                (local.set $j (i32.const 0))
                (block $mismatch (loop $compare
                  (br_if $mismatch (i32.ne
                    (i32.load8_u (i32.add (i32.add (local.get $input) (local.get $i)) (local.get $j)))
                    (i32.load8_u (i32.add (i32.const 1024) (local.get $j)))))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (if (i32.eq (local.get $j) (i32.const 6)) (then unreachable))
                  (br $compare)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $scan)))
              (i64.const 0))
            """
        return ModuleFixtures.wat(manifest: manifest, functions: body, answers: answers)
    }()

    @Test("an event the module keeps trapping on is parked after its last attempt, recorded in the tenant's reactionparked stream, and the events after it are delivered")
    func parked() async throws {
        try await withEventStore { store, _ in
            let host = try CustomizationHost(WasmCustomization.definition(try ModuleFixtures.compiled(Self.wat)), settings: [:])
            let reaction = try #require(host.reactions.first)
            #expect(reaction.maximumAttempts == WasmCustomization.reactionAttempts)
            let tenant = UUID()
            try await store.append(
                [try NewEvent(type: "Filed", dataJSON: "{}"), try NewEvent(type: "Poison", dataJSON: "{}"), try NewEvent(type: "Filed", dataJSON: "{}")],
                to: "doc-1", tenant: tenant)
            let runner = ReactionRunner(host: host, reaction: reaction, store: store, tenantID: nil, retry: .init(first: .milliseconds(1), longest: .milliseconds(4)))
            let task = Task { try await runner.run() }
            defer { task.cancel() }
            let last = try #require(try await store.readStream("doc-1", tenant: tenant, direction: .backward, limit: 1).first)
            try await waitUntil("the checkpoint passes the last event") {
                try await runner.checkpoint().map { $0 >= last.cursor } ?? false
            }
            let parked = try await store.readStream("reactionparked-fixture.audit", tenant: tenant)
            #expect(parked.count == 1)
            let record = try JSONDecoder().decode(ReactionDeliveryParked.self, from: Data(try #require(parked.first).dataJSON.utf8))
            #expect(record.eventType == "Poison" && record.attempts == WasmCustomization.reactionAttempts && record.reaction == "audit")
            #expect(record.error.contains("reached an unreachable instruction"), "\(record.error)")
        }
    }
}
