import ChildProcesses
import Foundation

/// A `tenantry serve` of this very binary, started for a benchmark against a database and
/// stopped with SIGTERM afterwards, so the load comes from another process (wrk) to a real server.
final class ServerProcess: Sendable {
    /// The server's base URL, from its "listening on …" line.
    let baseURL: String
    private let child: ChildProcess

    private init(baseURL: String, child: ChildProcess) {
        self.baseURL = baseURL
        self.child = child
    }

    /// Starts the server on a free port and waits (up to `timeout`) until it says it listens.
    static func start(databaseURL: String, workDirectory: URL, timeout: Duration = .seconds(60)) async throws -> ServerProcess {
        let outputPath = workDirectory.appendingPathComponent("serve-\(UUID().uuidString.prefix(8)).out").path
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                ChildProcess.Configuration(
                    executable: URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path,
                    // wrk signs up from one address: the per-client limits would measure refusals.
                    arguments: [
                        "serve", "--host", "127.0.0.1", "--port", "0", "--database-url", databaseURL,
                        "--signups-per-hour", "1000000", "--unclaimed-signups", "1000000",
                    ],
                    // The bench measures the server, not its per-tenant OFREP rate limit, which a
                    // load generator on one tenant's key would meet within a second.
                    environment: ProcessInfo.processInfo.environment.merging(["TENANTRY_OFREP_RATE_FACTOR": "100000"]) { _, bench in bench },
                    standardOutput: .file(outputPath),
                    standardError: .standardOutput))
        } catch let error as ChildProcessError {
            throw BenchError(error.description)
        }

        let deadline = ContinuousClock.now + timeout
        var pause: Duration = .milliseconds(5)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                return ServerProcess(baseURL: String(line.dropFirst("listening on ".count)), child: child)
            }
            guard child.isRunning else {
                throw BenchError("tenantry serve exited: \(text.split(separator: "\n").suffix(3).joined(separator: " | "))")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(100))
        }
        child.signal(SIGKILL)
        throw BenchError("tenantry serve did not start listening within \(timeout)")
    }

    /// The server's resident set size in bytes (`VmRSS` in `/proc/<pid>/status`), or nil where
    /// the process or the file is gone.
    func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(child.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    /// SIGTERM, then waits for the exit (graceful shutdown drains requests); SIGKILL after 30 s.
    func stop() async {
        child.signal(SIGTERM)
        if (try? await child.exitStatus(timeout: .seconds(30))) == nil {
            child.signal(SIGKILL)
        }
    }
}
