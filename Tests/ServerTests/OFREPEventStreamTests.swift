import FeatureFlags
import Foundation
import Provisioning
import TenantryServer
import TestSupport
import Testing

@Suite("OFREP event stream: re-fetch when flags or the tenant change", .validatesOFREPResponses)
struct OFREPEventStreamTests {
    static let toggle: [String: JSONValue] = ["on": true, "off": false]

    /// The event stream's URL as the bulk response names it (OFREP's `endpoint` form, joined to
    /// the server's origin as a provider does).
    static func streamURL(_ server: TestServer) async throws -> String {
        let bulk = try await server.evaluateAll(apiKey: server.apiKey, label: "bulk with eventStreams")
        let streams = try #require(bulk.jsonObject?["eventStreams"] as? [[String: Any]], "\(bulk.text)")
        #expect(streams.count == 1)
        #expect(streams.first?["type"] as? String == "sse")
        let endpoint = try #require(streams.first?["endpoint"] as? [String: Any])
        let requestURI = try #require(endpoint["requestUri"] as? String)
        let expectedPrefix = OFREPRoutes<TenantryRequestContext>.eventStreamPath + "?token="
        #expect(requestURI.hasPrefix(expectedPrefix))
        return server.address.url + requestURI
    }

    static func isRefetch(_ event: EventStreamClient.Event) -> Bool {
        event.dataObject?["type"] as? String == "refetchEvaluation"
    }

    @Test("a flag change and a change of the tenant each reach an open stream as a refetchEvaluation event, in OFREP's shape")
    func changesArriveAsEvents() async throws {
        try await withTestServer { server in
            try await server.define(Flag(key: FlagKey("new-checkout"), type: .boolean, variants: Self.toggle, defaultVariant: "off"))
            let stream = try await EventStreamClient.open(try await Self.streamURL(server))
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.contentType == "text/event-stream")
            #expect(stream.header("X-Accel-Buffering") == "no")
            // The stream is open once the server's first line (the reconnection delay) arrives.
            let opening = try #require(try await stream.next())
            #expect(opening.fields["retry"] == "1000")

            try await server.change { try await $0.setEnabled(FlagKey("new-checkout"), false, by: TestServer.change) }
            let flagEvent = try #require(try await stream.next(where: Self.isRefetch))
            OFREPRecording.record("sseEvent", flagEvent, label: "after a flag change")
            #expect(flagEvent.fields["event"] == "message")
            #expect(flagEvent.id != nil)
            #expect(flagEvent.dataObject?["etag"] as? String == flagEvent.id)

            _ = try await server.runtime.tenants.changePlan(server.tenant.slug, to: .pro, reason: "upgrade", actor: "test")
            let tenantEvent = try #require(try await stream.next(where: Self.isRefetch))
            OFREPRecording.record("sseEvent", tenantEvent, label: "after a plan change")
            #expect(tenantEvent.id != flagEvent.id)
        }
    }

    @Test("a client reconnecting with a Last-Event-ID that is behind gets an event at once; an API key works as well as the token")
    func lastEventID() async throws {
        try await withTestServer { server in
            try await server.define(Flag(key: FlagKey("banner"), type: .string, variants: ["a": "A"], defaultVariant: "a"))
            let url = server.address.url + OFREPRoutes<TenantryRequestContext>.eventStreamPath
            let stream = try await EventStreamClient.open(url, headers: [("Authorization", "Bearer \(server.apiKey)"), ("Last-Event-ID", "0-0")])
            defer { stream.close() }
            #expect(stream.status == 200)
            let event = try #require(try await stream.next(where: Self.isRefetch))
            OFREPRecording.record("sseEvent", event, label: "catching up after Last-Event-ID")
            #expect(event.id != "0-0")
        }
    }

    @Test("no credentials, a forged token, and the token of a revoked key are 401; the stream of a revoked key ends")
    func refusedAndEnded() async throws {
        try await withTestServer { server in
            let url = try await Self.streamURL(server)
            let path = OFREPRoutes<TenantryRequestContext>.eventStreamPath
            let anonymous = try await server.client.send(.GET, path)
            #expect(anonymous.status == 401)
            // A token of the right shape whose MAC is not the server's.
            let validToken = try #require(url.split(separator: "=").last)
            let forgedToken = validToken.dropLast(4) + (validToken.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            let forged = try await server.client.send(.GET, path + "?token=\(forgedToken)")
            #expect(forged.status == 401)
            #expect(forged.header("Content-Type") == "application/problem+json")
            let malformed = try await server.client.send(.GET, path + "?token=not-a-token")
            #expect(malformed.status == 401)

            let open = try await EventStreamClient.open(url)
            defer { open.close() }
            _ = try await open.next()
            let keyID = try #require(server.tenant.apiKeys.keys.first)
            // A tenant keeps at least one key: issue another before revoking the stream's.
            _ = try await server.runtime.tenants.tenants.issueAPIKey(server.tenant.id, label: "replacement", actor: "test")
            _ = try await server.runtime.tenants.tenants.revokeAPIKey(server.tenant.id, keyID: keyID, actor: "test")
            // The open stream ends (no more events) once the server's directory has the revocation.
            #expect(try await open.next(where: { _ in false }) == nil)
            let revoked = try await server.client.send(.GET, String(url.dropFirst(server.address.url.count)))
            #expect(revoked.status == 401)
        }
    }
}

extension OFREPRecording {
    /// Records one server-sent event for the suite's check against OFREP's `sseEvent` schemas.
    static func record(_ operation: String, _ event: EventStreamClient.Event, label: String) {
        current?.record(Exchange(operation: operation, status: 200, contentType: "text/event-stream", body: event.json, label: label))
    }
}
