import Foundation
import HTTPTestSupport
import HTTPTypes
import Provisioning
import TenantryServer
import TestSupport
import Testing

@Suite("Signup abuse limits: per client, behind a trusted proxy, shared in the database")
struct SignupLimitsTests {
    static let problems = "https://tenantry.dev/problems/"

    @Test("the client address: the peer, or behind a trusted proxy the rightmost untrusted forwarded address; a spoofed header from elsewhere is ignored")
    func clientAddress() throws {
        let forwarded = try #require(HTTPField.Name("X-Forwarded-For"))
        let source = ClientAddressSource(header: forwarded, trustedProxies: IPNetwork.loopback + [try #require(IPNetwork("10.0.0.0/8"))])
        func client(_ peer: String?, _ header: String?) -> IPAddress? {
            var headers = HTTPFields()
            if let header { headers[forwarded] = header }
            return source.client(peer: peer, headers: headers)
        }
        #expect(client("127.0.0.1", "198.51.100.7") == IPAddress("198.51.100.7"))
        // The client wrote the leftmost entry itself; the proxies appended the rest.
        #expect(client("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3") == IPAddress("198.51.100.7"))
        #expect(client("::1", "2001:db8::1") == IPAddress("2001:db8::1"))
        // Not from a trusted proxy: the header is the client's own claim.
        #expect(client("203.0.113.5", "198.51.100.7") == IPAddress("203.0.113.5"))
        #expect(client("127.0.0.1", nil) == IPAddress("127.0.0.1"))
        #expect(client("127.0.0.1", "not-an-address") == IPAddress("127.0.0.1"))
        #expect(client(nil, "198.51.100.7") == nil)
        #expect(ClientAddressSource.peer.client(peer: "127.0.0.1", headers: [forwarded: "198.51.100.7"]) == IPAddress("127.0.0.1"))
        #expect(try #require(IPNetwork("10.0.0.0/8")).contains(try #require(IPAddress("10.255.0.1"))))
        #expect(try #require(IPNetwork("10.0.0.0/8")).contains(try #require(IPAddress("11.0.0.1"))) == false)
        #expect(try #require(IPNetwork("2001:db8::/33")).contains(try #require(IPAddress("2001:db8:7fff::1"))))
        #expect(try #require(IPNetwork("2001:db8::/33")).contains(try #require(IPAddress("2001:db8:8000::1"))) == false)
        for bad in ["10.0.0.0/33", "10.0.0.0/", "/8", "::/129", "x/1", "10.0.0.0/+8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test("past the unclaimed cap and the window's limit: 429 signup-rate-limited with Retry-After; taking a key frees a slot; another client is unaffected")
    func limitsPerClient() async throws {
        let forwarded = try #require(HTTPField.Name("X-Forwarded-For"))
        let limits = SignupLimits(
            admission: SignupAdmissionPolicy(window: .seconds(3600), perWindow: 3, unclaimed: 2),
            clientAddress: ClientAddressSource(header: forwarded)
        )
        try await withTestServer(transport: .socket, tenants: [], signupLimits: limits) { server in
            func signup(from address: String, _ name: String) async throws -> HTTPTestClient.Response {
                let body = try JSONSerialization.data(withJSONObject: ["email": "ops@limits.example", "organization": "\(name) \(UUID().uuidString.prefix(6))"])
                return try await server.client.send(
                    .POST, "/v1/signup",
                    headers: [("Content-Type", "application/json"), ("X-Forwarded-For", address)], body: Array(body)
                )
            }
            let first = try SignupAccepted(try await signup(from: "198.51.100.7", "First"))
            _ = try SignupAccepted(try await signup(from: "198.51.100.7", "Second"))
            let third = try await signup(from: "198.51.100.7", "Third")
            #expect(third.status == 429, "\(third.text)")
            let problem = try SignupProblem(third)
            #expect(problem.type == Self.problems + "signup-rate-limited")
            #expect(third.jsonObject?["limit"] as? String == "unclaimed")
            #expect(Int(third.header("Retry-After") ?? "") ?? 0 > 3000)

            // Another network is not counted with the first.
            _ = try SignupAccepted(try await signup(from: "203.0.113.9", "Elsewhere"))

            // Taking the first signup's key claims it: one unclaimed slot is free again.
            let final = try await server.waitForSignup(first.statusURL, claimToken: first.claimToken)
            #expect(final["apiKey"] is String)
            _ = try SignupAccepted(try await signup(from: "198.51.100.7", "Third again"))
            // Three in the window: the fourth is refused whatever is claimed.
            let fourth = try await signup(from: "198.51.100.7", "Fourth")
            #expect(fourth.status == 429)
            #expect(fourth.jsonObject?["limit"] as? String == "per_window")
            let registered = try await server.runtime.tenants.list(state: nil, plan: nil).filter { $0.email == "ops@limits.example" }
            #expect(registered.count == 4, "refused signups registered nothing")
        }
    }

    @Test("without a configured proxy header a forwarded address is ignored: every request from one peer counts against that peer")
    func spoofedHeaderIgnored() async throws {
        let limits = SignupLimits(admission: SignupAdmissionPolicy(window: .seconds(3600), perWindow: 10, unclaimed: 1))
        try await withTestServer(transport: .socket, tenants: [], signupLimits: limits) { server in
            var refused = 0
            for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
                let body = try JSONSerialization.data(withJSONObject: ["email": "ops@spoof.example", "organization": "Spoof \(UUID().uuidString.prefix(6))"])
                let response = try await server.client.send(
                    .POST, "/v1/signup", headers: [("Content-Type", "application/json"), ("X-Forwarded-For", address)], body: Array(body)
                )
                if response.status == 429 { refused += 1 } else { #expect(response.status == 202, "\(response.text)") }
            }
            #expect(refused == 2)
        }
    }
}
