import FeatureFlags
import Foundation
import Hummingbird
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

    /// Waits until the tenant's first evaluation has been recorded (the bulk fetch that gave the
    /// stream URL causes it), so that change cannot pass for another in the stream.
    static func waitForActivation(_ server: TestServer) async throws {
        try await server.waitForTenant(server.tenant.id, "activated") { $0.activatedAt != nil }
    }

    @Test("a new stream starts with an event for now; a flag change and a change of the tenant each follow as refetchEvaluation, in OFREP's shape")
    func changesArriveAsEvents() async throws {
        try await withTestServer(transport: .socket) { server in
            try await server.define(Flag(key: FlagKey("new-checkout"), type: .boolean, variants: Self.toggle, defaultVariant: "off"))
            let url = try await Self.streamURL(server)
            try await Self.waitForActivation(server)
            let stream = try await EventStreamClient.open(url)
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.contentType == "text/event-stream")
            #expect(stream.header("X-Accel-Buffering") == "no")
            // The first event says where things stand (a change since the bulk fetch is not
            // missed), with the reconnection delay.
            let opening = try #require(try await stream.next())
            OFREPRecording.record("sseEvent", opening, label: "on connecting")
            #expect(Self.isRefetch(opening))
            #expect(opening.fields["retry"] == "1000")
            let start = try #require(opening.position, "\(opening.fields)")

            try await server.change { try await $0.setEnabled(FlagKey("new-checkout"), false, by: TestServer.change) }
            let flagEvent = try #require(try await stream.next(where: Self.isRefetch))
            OFREPRecording.record("sseEvent", flagEvent, label: "after a flag change")
            #expect(flagEvent.fields["event"] == "message")
            #expect(flagEvent.dataObject?["etag"] as? String == flagEvent.id)
            let afterFlag = try #require(flagEvent.position)
            #expect(afterFlag.revision > start.revision, "the catalog moved")
            #expect(afterFlag.version == start.version, "the tenant did not")

            _ = try await server.runtime.tenants.changePlan(server.tenant.slug, to: .pro, reason: "upgrade", actor: "test")
            let tenantEvent = try #require(try await stream.next(where: Self.isRefetch))
            OFREPRecording.record("sseEvent", tenantEvent, label: "after a plan change")
            let afterPlan = try #require(tenantEvent.position)
            #expect(afterPlan.version > afterFlag.version, "the tenant moved")
            #expect(afterPlan.revision == afterFlag.revision, "the catalog did not")

            // The provider's re-fetch names the event's etag; the answer reflects the change.
            let refetch = try await server.client.post(
                TestServer.bulkPath + "?flagConfigEtag=\(tenantEvent.id ?? "")", json: #"{"context":{}}"#, apiKey: server.apiKey
            )
            OFREPRecording.record("evaluateFlagsBulk", refetch, label: "re-fetch with flagConfigEtag")
            #expect(refetch.status == 200)
            #expect(refetch.text.contains(#""reason":"DISABLED""#))
            let garbled = try await server.client.post(TestServer.bulkPath + "?flagConfigEtag=not-an-etag", json: #"{"context":{}}"#, apiKey: server.apiKey)
            OFREPRecording.record("evaluateFlagsBulk", garbled, label: "re-fetch with a flagConfigEtag that is not one")
            #expect(garbled.status == 400, "a flagConfigEtag that is not an etag is refused, in OFREP's shape")
        }
    }

    @Test("Last-Event-ID: behind gets an event at once, current gets none until the next change; an API key works as well as the token")
    func lastEventID() async throws {
        try await withTestServer(transport: .socket) { server in
            try await server.define(Flag(key: FlagKey("banner"), type: .string, variants: ["a": "A", "b": "B"], defaultVariant: "a"))
            let url = server.address.url + OFREPRoutes<TenantryRequestContext>.eventStreamPath
            let key = ("Authorization", "Bearer \(server.apiKey)")
            let behind = try await EventStreamClient.open(url, headers: [key, ("Last-Event-ID", "0-0")])
            defer { behind.close() }
            #expect(behind.status == 200)
            let catchUp = try #require(try await behind.next())
            OFREPRecording.record("sseEvent", catchUp, label: "catching up after Last-Event-ID")
            #expect(Self.isRefetch(catchUp))
            let current = try #require(catchUp.id)

            // An id the server never made counts as behind.
            let garbled = try await EventStreamClient.open(url, headers: [key, ("Last-Event-ID", "yesterday")])
            defer { garbled.close() }
            #expect(try await garbled.next().map(Self.isRefetch) == true)

            let upToDate = try await EventStreamClient.open(url, headers: [key, ("Last-Event-ID", current)])
            defer { upToDate.close() }
            let first = try #require(try await upToDate.next())
            #expect(!Self.isRefetch(first), "nothing to re-fetch: \(first.fields)")
            #expect(first.fields["retry"] == "1000")
            try await server.change { try await $0.setVariants(FlagKey("banner"), ["a": "A", "b": "B2"], defaultVariant: "a", by: TestServer.change) }
            let changed = try #require(try await upToDate.next(where: Self.isRefetch))
            #expect(changed.id != current)
        }
    }

    @Test("on a single-tenant instance, another tenant's stream token is refused before any route, and the instance tenant's is served")
    func instanceRefusesOtherTenantsTokens() async throws {
        try await withTestServer(transport: .socket, tenants: ["Acme", "Globex"]) { server in
            let (acme, globex) = (server.tenants[0].tenant, server.tenants[1].tenant)
            let secrets = OFREPEventStreamSecrets.generated()
            @Sendable func token(_ tenant: TenantState) throws -> String {
                let keyID = try #require(tenant.apiKeys.keys.first)
                return OFREPEventStreamToken.issue(tenantID: tenant.id, keyID: keyID, secrets: secrets).description
            }
            // The router an instance of Acme assembles: the instance check first, then OFREP.
            let router = Router(context: TenantryRequestContext.self)
            router.add(middleware: ProblemMiddleware())
            router.add(middleware: InstanceTenantMiddleware(directory: server.views.directory, tenantID: acme.id, slug: acme.slug))
            OFREPRoutes(views: server.views, streamSecrets: secrets).register(on: router)
            try await withRunningApplication(router) { client, address in
                let path = OFREPRoutes<TenantryRequestContext>.eventStreamPath
                let refused = try await client.send(.GET, path + "?token=\(try token(globex))")
                #expect(refused.status == 403)
                #expect(refused.text.contains("tenant-not-served"))
                // Acme's own key in the header does not carry Globex's token through.
                let smuggled = try await client.send(.GET, path + "?token=\(try token(globex))", headers: [("Authorization", "Bearer \(server.apiKey)")])
                #expect(smuggled.status == 403)
                let served = try await EventStreamClient.open(address.url + path + "?token=\(try token(acme))")
                defer { served.close() }
                #expect(served.status == 200)
                #expect(try await served.next().map(Self.isRefetch) == true)
            }
        }
    }

    @Test("no credentials, a forged token, and the token of a revoked key are 401; the stream of a revoked key ends")
    func refusedAndEnded() async throws {
        try await withTestServer(transport: .socket) { server in
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
            for bad in ["not-a-token", "", String(repeating: "A", count: 8000), "..", "%00"] {
                let malformed = try await server.client.send(.GET, path + "?token=\(bad)")
                #expect(malformed.status == 401, "token \(bad.prefix(20))")
            }

            let open = try await EventStreamClient.open(url)
            defer { open.close() }
            #expect(try await open.next().map(Self.isRefetch) == true)
            let keyID = try #require(server.tenant.apiKeys.keys.first)
            // A tenant keeps at least one key: issue another before revoking the stream's.
            _ = try await server.runtime.tenants.lifecycle.issueAPIKey(server.tenant.id, label: "replacement", scope: .manage, actor: "test")
            _ = try await server.runtime.tenants.lifecycle.revokeAPIKey(server.tenant.id, keyID: keyID, actor: "test")
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
