import Foundation
import HTTPTestSupport
import TestSupport
import Testing

/// `tenantry serve --port 0` started as a child process on a test database, once it printed
/// the line that says where it listens.
struct ServeProcess {
    let process: TenantryProcess.Running
    let port: Int

    var url: String { "http://127.0.0.1:\(port)" }
    var client: HTTPTestClient { HTTPTestClient(host: "127.0.0.1", port: port) }

    /// Starts the server against `databaseURL` and waits (a minute at most) until it listens;
    /// fails with what it printed when it exits first. Every request comes from 127.0.0.1, so
    /// the per-client signup limits are raised out of the way (their own tests set them).
    static func start(databaseURL: String, environment: [String: String] = [:]) async throws -> ServeProcess {
        let process = try TenantryProcess.start(
            ["serve", "--port", "0", "--signups-per-hour", "1000000", "--unclaimed-signups", "1000000"],
            environment: environment.merging(["TENANTRY_DATABASE_URL": databaseURL, "TENANTRY_HOST": "127.0.0.1"]) { _, fixed in fixed }
        )
        try await waitUntil("the server listens") {
            process.standardOutput.contains("listening on ") || !process.isRunning
        }
        let line = try #require(process.standardOutput.split(separator: "\n").first, "\(process.standardError)")
        let match = try #require(line.wholeMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/), "\(line)")
        return ServeProcess(process: process, port: try #require(Int(match.1)))
    }
}
