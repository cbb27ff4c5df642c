import Foundation

/// A `tenantry serve` of this very binary, started for a benchmark against a database and
/// stopped with SIGTERM afterwards, so the load comes from another process (wrk) to a real server.
final class ServerProcess {
    /// The server's base URL, from its "listening on …" line.
    let baseURL: String
    private let process: Process
    private let outputURL: URL

    private init(baseURL: String, process: Process, outputURL: URL) {
        self.baseURL = baseURL
        self.process = process
        self.outputURL = outputURL
    }

    /// Starts the server on a free port and waits (up to `timeout`) until it says it listens.
    static func start(databaseURL: String, workDirectory: URL, timeout: Duration = .seconds(60)) async throws -> ServerProcess {
        let outputURL = workDirectory.appendingPathComponent("serve-\(UUID().uuidString.prefix(8)).out")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil) else {
            throw BenchError("could not create \(outputURL.path)")
        }
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--database-url", databaseURL]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()

        let deadline = ContinuousClock.now + timeout
        var pause: Duration = .milliseconds(5)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                return ServerProcess(baseURL: String(line.dropFirst("listening on ".count)), process: process, outputURL: outputURL)
            }
            guard process.isRunning else {
                throw BenchError("tenantry serve exited: \(text.split(separator: "\n").suffix(3).joined(separator: " | "))")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(100))
        }
        process.terminate()
        throw BenchError("tenantry serve did not start listening within \(timeout)")
    }

    /// SIGTERM, then waits for the exit (graceful shutdown drains requests).
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
