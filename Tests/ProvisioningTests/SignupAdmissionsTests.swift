import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Signup admissions: abuse limits per client, shared through the control plane")
struct SignupAdmissionsTests {
    @Test("a client's networks: IPv4 alone, IPv6 by /64, IPv4-mapped as IPv4; anything else is no address")
    func clientNetworks() throws {
        let v4 = try #require(SignupClient(address: "203.0.113.7"))
        #expect(v4 != SignupClient(address: "203.0.113.8"))
        #expect(SignupClient(address: "::ffff:203.0.113.7") == v4)
        let v6 = try #require(SignupClient(address: "2001:db8:1:2::1"))
        #expect(SignupClient(address: "2001:db8:1:2:ffff::9") == v6, "the same /64")
        #expect(SignupClient(address: "2001:db8:1:3::1") != v6)
        #expect(v4.digest.count == 64 && !v4.digest.contains("203"))
        for bad in ["", "localhost", "203.0.113", "1.2.3.4.5", "::g"] {
            #expect(SignupClient(address: bad) == nil, "\(bad)")
        }
    }

    @Test("past the per-window limit or the unclaimed cap a client is refused with when to retry; claiming frees an unclaimed slot; other clients are unaffected")
    func limits() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let admissions = SignupAdmissions(
                pool: runtime.operatorPool, policy: SignupAdmissionPolicy(window: .seconds(3600), perWindow: 4, unclaimed: 2)
            )
            let client = try #require(SignupClient(address: "198.51.100.\(Int.random(in: 1...254))"))
            guard case .admitted(let first) = try await admissions.admit(client) else { Issue.record("first refused"); return }
            guard case .admitted = try await admissions.admit(client) else { Issue.record("second refused"); return }
            // Two unclaimed: the third is refused by the cap, for about the window.
            guard case .refused(.unclaimed, let retryAfter) = try await admissions.admit(client) else {
                Issue.record("third not refused by the unclaimed cap"); return
            }
            #expect((3500...3600).contains(retryAfter))
            // Another client is not counted with this one.
            let other = try #require(SignupClient(address: "2001:db8:\(Int.random(in: 1...9999))::1"))
            guard case .admitted = try await admissions.admit(other) else { Issue.record("another client refused"); return }

            try await admissions.claimed(first)
            guard case .admitted(let third) = try await admissions.admit(client) else { Issue.record("refused after a claim"); return }
            try await admissions.claimed(third)
            guard case .admitted = try await admissions.admit(client) else { Issue.record("fourth refused"); return }
            // Four in the window, whether claimed or not: the fifth is refused by the window.
            guard case .refused(.perWindow, _) = try await admissions.admit(client) else {
                Issue.record("fifth not refused by the window"); return
            }
        }
    }

    @Test("a window that has passed counts nothing: its rows are gone")
    func windowPasses() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let admissions = SignupAdmissions(pool: runtime.operatorPool, policy: SignupAdmissionPolicy(window: .seconds(1), perWindow: 1, unclaimed: 1))
            let client = try #require(SignupClient(address: "192.0.2.\(Int.random(in: 1...254))"))
            guard case .admitted = try await admissions.admit(client) else { Issue.record("first refused"); return }
            // Waits on the condition (the database's clock passing the window), with a deadline;
            // a slow machine may already be past it.
            try await waitUntil("the one-second window passes") {
                if case .admitted = try await admissions.admit(client) { return true }
                return false
            }
            let rows = try await runtime.operatorPool.query(
                "SELECT count(*) FROM tenantry.signup_admissions WHERE client_digest = \(client.digest)"
            ).rows.first?.decode(Int.self)
            #expect(rows == 1, "the expired admission was deleted")
        }
    }

    @Test("twenty concurrent signups of one client on separate connections: exactly the limit is admitted")
    func concurrentSignupsCountExactly() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let pool = PostgresPool(configuration: runtime.operatorPool.configuration, maximumConnections: 10)
            let admissions = SignupAdmissions(pool: pool, policy: SignupAdmissionPolicy(window: .seconds(3600), perWindow: 7, unclaimed: 7))
            let client = try #require(SignupClient(address: "203.0.113.\(Int.random(in: 1...254))"))
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        if case .admitted = try await admissions.admit(client) { return true }
                        return false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            await pool.close()
            #expect(admitted == 7)
        }
    }
}
