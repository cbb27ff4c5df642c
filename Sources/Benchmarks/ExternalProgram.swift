import ChildProcesses
import Foundation

/// The external programs a benchmark runs (pgbench, psql, wrk): found, then run to completion
/// and timed as a whole.
enum ExternalProgram {
    /// Runs `executable` with `arguments` in `workDirectory`, in the C locale so that the lines
    /// parsed ("tps = …", "COPY n") are never translated.
    static func run(_ executable: String, _ arguments: [String], workDirectory: URL) async throws -> ChildProcess.Completion {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        do {
            return try await ChildProcess.run(
                ChildProcess.Configuration(
                    executable: executable,
                    arguments: arguments,
                    environment: environment,
                    workingDirectory: workDirectory.path))
        } catch let error as ChildProcessError {
            throw BenchError(error.description)
        }
    }

    /// The first executable `name` in `directories`, then on PATH.
    static func find(_ name: String, preferring directories: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = directories + path.split(separator: ":").map(String.init)
        return candidates
            .map { $0 + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Debian's `/usr/lib/postgresql/<major>/bin` directories, newest major first.
    static var debianPostgresBinDirectories: [String] {
        let root = "/usr/lib/postgresql"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names
            .map { (key: $0.split(separator: ".").compactMap { Int($0) }, name: $0) }
            .filter { !$0.key.isEmpty }
            .sorted { $1.key.lexicographicallyPrecedes($0.key) }
            .map { "\(root)/\($0.name)/bin" }
    }
}
