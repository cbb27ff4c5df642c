import Crypto
import Customizations
import EventStore
import Extensions
import Foundation
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

                try await waitUntil("four events delivered") { receiver.deliveries.count == 4 }
                #expect(receiver.requests == 6, "two refused attempts, then four deliveries")
                let deliveries = receiver.deliveries
                #expect(deliveries.map(\.eventID) == events.map { $0.id.uuidString.lowercased() }, "in order, the instance's tenant only")
                for delivery in deliveries {
                    let expected = "sha256=" + AuditEventForwarder.signature(of: delivery.body, secret: "s3cret")
                    #expect(delivery.signature == expected)
                    let line = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])
                    #expect(line["type"] as? String == "Noted")
                }
                // An independent HMAC over the received body, so the check does not trust our helper.
                let first = try #require(deliveries.first)
                let mac = HMAC<SHA256>.authenticationCode(for: first.body, using: SymmetricKey(data: Array("s3cret".utf8)))
                #expect(first.signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
                try await waitUntil("the checkpoint passes the fourth event") {
                    try await runner.checkpoint().map { $0.position >= 4 } ?? false
                }
            }
        }
    }
}
