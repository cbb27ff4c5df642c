import Foundation
import HTTPTestSupport
import TestSupport
import Testing

@Suite("tenantry serve, the binary")
struct ServeCommandTests {
    @Test("prints the listening line once bound, answers /healthz, and exits 0 on SIGTERM")
    func servesAndStopsOnSIGTERM() async throws {
        try await withTestDatabase { database async throws in
            let serving = try await ServeProcess.start(databaseURL: database.administratorConnectionString)
            let (server, port) = (serving.process, serving.port)
            #expect(port > 0)

            let health = try await HTTPTestClient(host: "127.0.0.1", port: port).send(.GET, "/healthz")
            #expect(health.status == 200)

            server.signal(SIGTERM)
            let stopped = try await server.finish(timeout: .seconds(30))
            #expect(stopped.status == 0, "graceful shutdown exits 0: \(stopped.standardError)")
            #expect(stopped.lines == ["listening on \(serving.url)"], "stdout has the listening line only: \(stopped.standardOutput)")
        }
    }

    @Test("a bad TENANTRY_PORT is refused before anything starts")
    func badPortIsRefused() async throws {
        let outcome = try await TenantryProcess.run(["serve"], environment: ["TENANTRY_PORT": "eighty"])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("TENANTRY_PORT=eighty"))
    }

    @Test("a short stream-token secret, a previous secret alone, or a limit out of range is refused before anything starts, naming the variable",
          arguments: [
              ["TENANTRY_STREAM_TOKEN_SECRET": "short"],
              ["TENANTRY_STREAM_TOKEN_PREVIOUS_SECRET": String(repeating: "p", count: 40)],
              ["TENANTRY_IDLE_TIMEOUT": "0"],
              ["TENANTRY_EVENT_STREAMS_PER_KEY": "many"],
              ["TENANTRY_DAILY_PLAN_CHANGES": "-1"],
          ])
    func badLimitsAreRefused(_ environment: [String: String]) async throws {
        let outcome = try await TenantryProcess.run(["serve"], environment: environment)
        #expect(outcome.status == 64, "\(outcome.standardError)")
        let variable = try #require(environment.keys.first)
        #expect(outcome.standardError.contains(variable), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count <= 2, "one readable line: \(outcome.standardError)")
    }
}
