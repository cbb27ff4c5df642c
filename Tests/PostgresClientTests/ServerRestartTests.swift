import PostgresClient
import TestSupport
import Testing

@Suite("Pool across a server restart")
struct ServerRestartTests {
    @Test("calls in flight at a restart fail clearly; calls after it work")
    func survivesRestart() async throws {
        let cluster = TestCluster.privateCluster()
        defer { try? cluster.destroy() }
        _ = try await cluster.start()
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: cluster.connectionString(database: "postgres")),
            maximumConnections: 3
        )
        #expect(try await pool.query("SELECT 1").rows.count == 1)

        let inFlight = Task { try await pool.query("SELECT pg_sleep(60)") }
        try await waitUntil("the long query is running") {
            try await pool.query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")
                .rows.first?.decode(Int.self) == 1
        }
        try await cluster.restart()

        let error = await #expect(throws: PostgresError.self) { try await inFlight.value }
        #expect(error?.kind == .connectionLost)
        #expect(error?.isConnectionFatal == true)

        for _ in 0..<5 {
            #expect(try await pool.query("SELECT 1").rows.first?.decode(Int.self) == 1)
        }
        await pool.close()
    }
}
