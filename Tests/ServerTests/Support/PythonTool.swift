import ChildProcesses
import Foundation
import TestSupport

/// Runs the project's Python tools (`.tenantry/python`, made by `make python-tools`) for the
/// checks that need them: the OFREP schema validator and the OpenFeature SDK client.
enum PythonTool {
    /// `$TENANTRY_PYTHON`, else the project's virtual environment.
    static var interpreter: URL {
        if let path = ProcessInfo.processInfo.environment["TENANTRY_PYTHON"] { return URL(fileURLWithPath: path) }
        return TestCluster.packageRoot.appendingPathComponent(".tenantry/python/bin/python3")
    }

    /// A script of `Tests/ServerTests/Support`.
    static func script(_ name: String) -> URL {
        TestCluster.packageRoot.appendingPathComponent("Tests/ServerTests/Support/\(name)")
    }

    struct Outcome: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `python3 script arguments…` to completion (with a deadline).
    static func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: interpreter.path) else {
            throw Unavailable(description: "no Python tools at \(interpreter.path): run `make python-tools` (or set TENANTRY_PYTHON)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        let completion = try await ChildProcess.run(
            ChildProcess.Configuration(
                executable: interpreter.path,
                arguments: [self.script(script).path] + arguments,
                environment: environment),
            timeout: timeout)
        return Outcome(
            status: completion.status,
            standardOutput: completion.standardOutput,
            standardError: completion.standardError)
    }
}
