import Crypto
import Customizations
import EventStore
import Extensions
import Foundation
import HTTPTestSupport
import Testing
import TestSupport

@Suite("Audit forwarder: each audit event POSTed, signed, retried until accepted")
struct AuditForwarderTests {
    @Test("settings: the endpoint must be an http(s) URL, the secret is required and masked, the timeout bounded")
    func settings() throws {
        let error = #expect(throws: SettingError.self) {
            try CustomizationHost(AuditForwarder.self, settings: ["endpoint": "ftp://siem.example/x"])
        }
        #expect(error?.description == "customization audit-forwarder: setting 'endpoint' must be an absolute http(s) URL, not 'ftp://siem.example/x'; setting 'secret' is missing (shared secret of the Tenantry-Signature header (HMAC-SHA256))")
        let bounded = #expect(throws: SettingError.self) {
            try CustomizationHost(AuditForwarder.self, settings: ["endpoint": "https://siem.example/x", "secret": "s", "timeout-seconds": "0"])
        }
        #expect(bounded?.description.contains("'timeout-seconds' must be between 1 and 300") == true)
        let host = try CustomizationHost(AuditForwarder.self, settings: ["endpoint": "https://siem.example/x", "secret": "s3cret"])
        #expect(host.settings.displayed["secret"] == "••••••")
        #expect(host.reactions.map(\.name) == ["siem"])
    }

    @Test("a tenant's events reach the receiver in order, signed, after the receiver's refusals were retried")
    func forwardsWithRetries() async throws {
        try await WebhookReceiver.with(failures: 2) { receiver, url in
            try await withEventStore { store, _ in
                let tenant = UUID()
                let other = UUID()
                let events = try (1...4).map { try NewEvent(type: "Noted", data: ["n": $0]) }
                try await store.append(events, to: "doc-1", tenant: tenant)
                try await store.append([try NewEvent(type: "Noted", data: ["n": 99])], to: "doc-2", tenant: other)

                let host = try CustomizationHost(AuditForwarder.self, settings: ["endpoint": url.absoluteString, "secret": "s3cret", "timeout-seconds": "5"])
                let reaction = try #require(host.reactions.first)
                let runner = ReactionRunner(host: host, reaction: reaction, store: store, tenantID: tenant, retry: .init(first: .milliseconds(10), longest: .milliseconds(50)))
                let task = Task { try await runner.run() }
                defer { task.cancel() }

                // Delivery is at least once: on a loaded machine a response slower than the
                // timeout is sent again, so the receiver may see an event twice (and dedupes by id).
                func distinct(_ deliveries: [WebhookReceiver.Delivery]) -> [String?] {
                    var seen: Set<String?> = []
                    return deliveries.map(\.eventID).filter { seen.insert($0).inserted }
                }
                try await waitUntil("four events delivered") { distinct(receiver.deliveries).count == 4 }
                let deliveries = receiver.deliveries
                #expect(receiver.requests >= 6 && receiver.requests - deliveries.count == 2, "two refused attempts, then the deliveries")
                #expect(distinct(deliveries) == events.map { $0.id.uuidString.lowercased() }, "in order, the instance's tenant only")
                for delivery in deliveries {
                    let header = try #require(delivery.signature)
                    #expect(AuditEventForwarder.verify(header: header, body: delivery.body, secret: "s3cret"))
                    #expect(!AuditEventForwarder.verify(header: header, body: delivery.body, secret: "other"))
                    let line = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])
                    #expect(line["type"] as? String == "Noted")
                }
                // An independent HMAC over "<t>." + the received body, so the check does not
                // trust our helper; the timestamp is the sending time.
                let first = try #require(deliveries.first)
                let header = try #require(first.signature)
                let fields = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map { field in
                    let pair = field.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair[1]))
                })
                let timestamp = try #require(fields["t"].flatMap { Int64($0) })
                #expect(abs(Date().timeIntervalSince1970 - Double(timestamp)) < 600)
                let mac = HMAC<SHA256>.authenticationCode(
                    for: Array("\(timestamp).".utf8) + first.body, using: SymmetricKey(data: Array("s3cret".utf8))
                )
                #expect(fields["v1"] == mac.map { String(format: "%02x", $0) }.joined())
                try await waitUntil("the checkpoint passes the fourth event") {
                    try await runner.checkpoint().map { $0.position >= 4 } ?? false
                }
            }
        }
    }

    @Test("a signature covers its timestamp: a replay past the tolerance, a moved timestamp or another body is refused")
    func signatureCoversTimestamp() {
        let body = Array(#"{"type":"Noted"}"#.utf8)
        let sent = Date(timeIntervalSince1970: 1_800_000_000)
        let header = AuditEventForwarder.signatureHeader(of: body, secret: "s3cret", at: sent)
        #expect(header.hasPrefix("t=1800000000,v1="))
        #expect(AuditEventForwarder.verify(header: header, body: body, secret: "s3cret", now: sent.addingTimeInterval(299)))
        // Replayed ten minutes later: refused, though the HMAC is right.
        #expect(!AuditEventForwarder.verify(header: header, body: body, secret: "s3cret", now: sent.addingTimeInterval(600)))
        // The timestamp moved forward to pass the window: the HMAC no longer matches.
        let moved = header.replacingOccurrences(of: "t=1800000000", with: "t=1800000600")
        #expect(!AuditEventForwarder.verify(header: moved, body: body, secret: "s3cret", now: sent.addingTimeInterval(600)))
        #expect(!AuditEventForwarder.verify(header: header, body: body + [0x20], secret: "s3cret", now: sent))
        #expect(!AuditEventForwarder.verify(header: "sha256=abc", body: body, secret: "s3cret", now: sent))
    }
}
