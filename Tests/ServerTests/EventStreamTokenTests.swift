import Crypto
import Foundation
import Provisioning
import TenantryServer
import Testing

@Suite("Event-stream tokens: signed with the server's secret, expiring, never made from a key's digest")
struct EventStreamTokenTests {
    static let current = "current-secret-" + String(repeating: "c", count: 32)
    static let previous = "previous-secret-" + String(repeating: "p", count: 32)

    static func path(_ token: String) -> String {
        OFREPRoutes<TenantryRequestContext>.eventStreamPath + "?token=" + token
    }

    static func hmac(_ message: String, key: SymmetricKey) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test("the bulk response's token opens the stream and lives a day; expired, other-secret and key-digest tokens are 401")
    func refusedTokens() async throws {
        try await withTestServer(transport: .socket, configure: { configuration, _, _ in
            configuration.streamTokenSecrets = try! OFREPEventStreamSecrets(current: Self.current, previous: Self.previous)
        }) { server in
            let bulk = try await server.client.post("/ofrep/v1/evaluate/flags", json: #"{"context":{}}"#, apiKey: server.apiKey)
            let streams = try #require(bulk.jsonObject?["eventStreams"] as? [[String: Any]], "\(bulk.text)")
            let uri = try #require((streams.first?["endpoint"] as? [String: Any])?["requestUri"] as? String)
            let text = try #require(uri.split(separator: "=").last)
            let issued = try #require(OFREPEventStreamToken(text))
            let now = Date().timeIntervalSince1970
            #expect(Double(issued.expiresAt) >= now + 86_400 - 5 && Double(issued.expiresAt) <= now + 86_400 + 3_600 + 5)
            let served = try await EventStreamClient.open(server.address.url + uri)
            defer { served.close() }
            #expect(served.status == 200)

            let (tenantID, keyID) = (server.tenant.id, issued.keyID)
            let digest = try #require(server.tenant.apiKeys[keyID]).sha256
            let future = Int64(now) + 3_600
            let refused: [(String, String)] = [
                ("expired", OFREPEventStreamToken(
                    tenantID: tenantID, keyID: keyID, expiresAt: Int64(now) - 1, secret: SymmetricKey(data: Data(Self.current.utf8))).description),
                ("another secret", OFREPEventStreamToken(
                    tenantID: tenantID, keyID: keyID, expiresAt: future, secret: SymmetricKey(data: Data(("another-" + Self.current).utf8))).description),
                ("keyed by the key's stored sha256", OFREPEventStreamToken(
                    tenantID: tenantID, keyID: keyID, expiresAt: future, secret: SymmetricKey(data: Data(digest.utf8))).description),
                // The old format: an HMAC keyed by the digest, no expiry, as an export's reader could make it.
                ("the old digest-keyed format", "\(tenantID.uuidString.lowercased()).\(keyID.uuidString.lowercased())." + Self.hmac(
                    "tenantry/ofrep-event-stream/v1:\(tenantID.uuidString.lowercased()):\(keyID.uuidString.lowercased())",
                    key: SymmetricKey(data: Data(digest.utf8)))),
                ("an expiry past Int64", "\(tenantID.uuidString.lowercased()).\(keyID.uuidString.lowercased()).99999999999999999999.AAAA"),
            ]
            for (what, token) in refused {
                let response = try await server.client.send(.GET, Self.path(token))
                #expect(response.status == 401, "\(what): \(response.text)")
                #expect(response.problemType == "unauthorized", "\(what)")
            }
        }
    }

    @Test("after a rotation a token of the previous secret still works; once the previous secret is removed it does not")
    func rotation() async throws {
        try await withTestServer(transport: .socket, configure: { configuration, _, _ in
            configuration.streamTokenSecrets = try! OFREPEventStreamSecrets(current: Self.current, previous: Self.previous)
        }) { server in
            let keyID = try #require(server.tenant.apiKeys.keys.first)
            let before = try OFREPEventStreamSecrets(current: Self.previous)
            let old = OFREPEventStreamToken.issue(tenantID: server.tenant.id, keyID: keyID, secrets: before)
            let stream = try await EventStreamClient.open(server.address.url + Self.path(old.description))
            defer { stream.close() }
            #expect(stream.status == 200)

            let directory = server.views.directory.state
            #expect(old.authenticate(in: directory, secrets: server.server.configuration.streamTokenSecrets)?.keyID == keyID)
            let rotatedOut = try OFREPEventStreamSecrets(current: Self.current)
            #expect(old.authenticate(in: directory, secrets: rotatedOut) == nil)
            let fresh = OFREPEventStreamToken.issue(tenantID: server.tenant.id, keyID: keyID, secrets: rotatedOut)
            #expect(fresh.authenticate(in: directory, secrets: rotatedOut)?.keyID == keyID)
        }
    }

    @Test("secrets shorter than 32 characters are refused, naming the variable")
    func shortSecrets() throws {
        let short = #expect(throws: OFREPEventStreamSecrets.SecretError.self) { try OFREPEventStreamSecrets(current: "too short") }
        #expect(short?.description.contains(OFREPEventStreamSecrets.currentVariable) == true)
        let previous = #expect(throws: OFREPEventStreamSecrets.SecretError.self) {
            try OFREPEventStreamSecrets(current: Self.current, previous: "short")
        }
        #expect(previous?.description.contains(OFREPEventStreamSecrets.previousVariable) == true)
    }

    @Test("a stream opened with a token ends once the token expires (the provider reconnects with a fresh one); one opened with the key goes on")
    func streamEndsAtExpiry() async throws {
        try await withTestServer(transport: .socket, configure: { configuration, _, _ in
            configuration.streamTokenSecrets = try! OFREPEventStreamSecrets(current: Self.current, previous: nil)
            configuration.eventStreamKeepAlive = .milliseconds(200)
        }) { server in
            let keyID = try #require(server.tenant.apiKeys.keys.first)
            // Whole seconds: expiring 14 to 15 seconds from now, long enough for the stream to
            // open first on a busy machine (3 s was not, at a load average of 20).
            let expiresAt = Int64(Date().timeIntervalSince1970) + 15
            let token = OFREPEventStreamToken(
                tenantID: server.tenant.id, keyID: keyID, expiresAt: expiresAt, secret: SymmetricKey(data: Data(Self.current.utf8)))
            let byToken = try await EventStreamClient.open(server.address.url + Self.path(token.description))
            defer { byToken.close() }
            let byKey = try await EventStreamClient.open(
                server.address.url + OFREPRoutes<TenantryRequestContext>.eventStreamPath, headers: [("Authorization", "Bearer \(server.apiKey)")])
            defer { byKey.close() }
            #expect(byToken.status == 200)
            #expect(byKey.status == 200)
            #expect(try await byToken.next() != nil, "the first event")
            // Only keep-alive comments follow; the stream ends (nil) once the token expired.
            #expect(try await byToken.next(where: { _ in false }, timeout: .seconds(60)) == nil)
            #expect(Date().timeIntervalSince1970 >= Double(expiresAt), "ended at expiry, not before")
            #expect(try await byKey.next() != nil, "the key's own stream is not ended by a token's expiry")
        }
    }
}
