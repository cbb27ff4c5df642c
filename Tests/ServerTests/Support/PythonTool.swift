import Foundation
import TestSupport

/// Runs the project's Python tools (`.tenantry/python`, made by `make python-tools`) for the
/// checks that need them: the OFREP schema validator and the OpenFeature SDK client.
///
/// Output goes to temporary files, not pipes: a child holding a pipe open is what makes
/// Foundation's `Process` hang here (see `TenantryProcess`), and a file cannot fill up.
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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outputFile = folder.appendingPathComponent("stdout")
        let errorFile = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        let errors = try FileHandle(forWritingTo: errorFile)
        defer {
            try? output.close()
            try? errors.close()
        }

        let process = Process()
        process.executableURL = interpreter
        process.arguments = [self.script(script).path] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        try process.run()
        try await waitUntil("\(script) exits", timeout: timeout) { !process.isRunning }
        return Outcome(
            status: process.terminationStatus,
            standardOutput: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        )
    }
}
