import Foundation
import Synchronization

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
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "TENANTRY_DATABASE_URL")
        merged.merge(environment) { $1 }
        process.environment = merged
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let running = Running(process: process, output: output, errors: errors)
        try process.run()
        return running
    }

    /// A process started by `start`, collecting its output.
    public final class Running: Sendable {
        private let process: Process
        private let collected = CollectedOutput()
        private let output: Pipe
        private let errors: Pipe

        init(process: Process, output: Pipe, errors: Pipe) {
            self.process = process
            self.output = output
            self.errors = errors
            output.fileHandleForReading.readabilityHandler = { [collected] handle in
                let data = handle.availableData
                collected.state.withLock { $0.output.append(data) }
            }
            errors.fileHandleForReading.readabilityHandler = { [collected] handle in
                let data = handle.availableData
                collected.state.withLock { $0.errors.append(data) }
            }
        }

        /// Everything printed to stdout so far.
        public var standardOutput: String {
            collected.state.withLock { String(decoding: $0.output, as: UTF8.self) }
        }

        public var standardError: String {
            collected.state.withLock { String(decoding: $0.errors, as: UTF8.self) }
        }

        public var isRunning: Bool { process.isRunning }

        /// The child's process id (to send it a signal, e.g. SIGKILL).
        public var processIdentifier: Int32 { process.processIdentifier }

        /// Sends SIGINT, as Ctrl-C does.
        public func interrupt() {
            process.interrupt()
        }

        /// Waits for the process to exit (with a deadline) and returns what it printed.
        public func finish(timeout: Duration = .seconds(120)) async throws -> Outcome {
            try await waitUntil("tenantry exits", timeout: timeout) { !process.isRunning }
            // Drain what is still in the pipes after exit.
            output.fileHandleForReading.readabilityHandler = nil
            errors.fileHandleForReading.readabilityHandler = nil
            let restOut = output.fileHandleForReading.readDataToEndOfFile()
            let restErr = errors.fileHandleForReading.readDataToEndOfFile()
            collected.state.withLock {
                $0.output.append(restOut)
                $0.errors.append(restErr)
            }
            return Outcome(status: process.terminationStatus, standardOutput: standardOutput, standardError: standardError)
        }
    }
}

/// The bytes a child printed so far, filled from its pipes' handlers.
final class CollectedOutput: Sendable {
    let state = Mutex<(output: Data, errors: Data)>((Data(), Data()))
}
