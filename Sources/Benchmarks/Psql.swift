import ChildProcesses
import Foundation

/// psql, the reference client for bulk COPY in and out, and the bulk loader of the read workload.
struct Psql: Sendable {
    let executable: String
    let connection: ClientConnectionArguments

    /// Finds psql on PATH, else in Debian's versioned directory (newest first).
    static func locate() throws -> String {
        let path = ExternalProgram.find("psql", preferring: [])
            ?? ExternalProgram.find("psql", preferring: ExternalProgram.debianPostgresBinDirectories)
        guard let path else {
            throw BenchError("psql not found on PATH or in /usr/lib/postgresql/*/bin: install the Debian package postgresql-client")
        }
        return path
    }

    /// Runs one SQL statement or one backslash command (`\copy …`), without reading ~/.psqlrc,
    /// stopping at the first error; returns the result with its wall-clock time, process start
    /// and connection included.
    func run(_ command: String, workDirectory: URL) async throws -> ChildProcess.Completion {
        let arguments = connection.options + ["-X", "-v", "ON_ERROR_STOP=1", "-d", connection.database, "-c", command]
        let result = try await ExternalProgram.run(executable, arguments, workDirectory: workDirectory)
        guard result.succeeded else {
            throw BenchError("psql failed (exit status \(result.status)) running \(command.prefix(80)): \(result.diagnosticTail)")
        }
        return result
    }

    /// Runs `commands` one after another in one session, each in a transaction of its own
    /// (psql's autocommit), stopping at the first error; timed as `run` is.
    func run(each commands: [String], workDirectory: URL) async throws -> ChildProcess.Completion {
        let arguments = connection.options + ["-X", "-v", "ON_ERROR_STOP=1", "-d", connection.database]
            + commands.flatMap { ["-c", $0] }
        let result = try await ExternalProgram.run(executable, arguments, workDirectory: workDirectory)
        guard result.succeeded else {
            throw BenchError("psql failed (exit status \(result.status)) running \(commands.count) commands: \(result.diagnosticTail)")
        }
        return result
    }

    /// The row count of psql's last `COPY n` line.
    static func copiedRows(_ result: ChildProcess.Completion) -> Int? {
        copyCounts(result).last
    }

    /// The row counts of every `COPY n` line psql printed, in order.
    static func copyCounts(_ result: ChildProcess.Completion) -> [Int] {
        result.standardOutput
            .split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("COPY ") }
            .compactMap { Int($0.dropFirst("COPY ".count)) }
    }

    /// A path as a psql single-quoted file name; the paths used here are our own temporary
    /// files, so a quote in one is a bug rather than input to escape.
    static func quotedPath(_ url: URL) throws -> String {
        guard !url.path.contains("'"), !url.path.contains("\\") else {
            throw BenchError("temporary path \(url.path) contains a quote or backslash")
        }
        return "'" + url.path + "'"
    }
}
