import ChildProcesses
import Foundation

/// Runs the `tenantry` binary the way an operator does, for end-to-end tests.
public enum TenantryProcess {
    /// The built binary: `$TENANTRY_BINARY`, else next to the test bundle, else `.build/debug`.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["TENANTRY_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("tenantry")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return TestCluster.packageRoot.appendingPathComponent(".build/debug/tenantry")
    }

    /// What a finished run printed and how it exited.
    public struct Outcome: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String

        public var lines: [String] { standardOutput.split(separator: "\n").map(String.init) }
    }

    /// Runs `tenantry arguments…` to completion.
    public static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil
    ) async throws -> Outcome {
        let running = try start(arguments, environment: environment, directory: directory)
        return try await running.finish()
    }

    /// Starts `tenantry arguments…` and returns at once; read its output as it comes.
    public static func start(
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil
    ) throws -> Running {
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "TENANTRY_DATABASE_URL")
        merged.merge(environment) { $1 }
        let child = try ChildProcess.spawn(
            ChildProcess.Configuration(
                executable: binary.path,
                arguments: arguments,
                environment: merged,
                workingDirectory: directory?.path))
        return Running(child: child)
    }

    /// A process started by `start`, collecting its output.
    public struct Running: Sendable {
        private let child: ChildProcess

        init(child: ChildProcess) {
            self.child = child
        }

        /// Everything printed to stdout so far.
        public var standardOutput: String { child.standardOutput }

        public var standardError: String { child.standardError }

        public var isRunning: Bool { child.isRunning }

        /// The child's process id.
        public var processIdentifier: Int32 { child.processIdentifier }

        /// Sends `signal` (e.g. SIGTERM, SIGKILL) unless it has already exited.
        public func signal(_ signal: Int32) {
            child.signal(signal)
        }

        /// Sends SIGINT, as Ctrl-C does.
        public func interrupt() {
            child.signal(SIGINT)
        }

        /// Waits for the process to exit (with a deadline) and returns what it printed.
        public func finish(timeout: Duration = .seconds(120)) async throws -> Outcome {
            let status = try await child.exitStatus(timeout: timeout)
            return Outcome(status: status, standardOutput: standardOutput, standardError: standardError)
        }
    }
}
