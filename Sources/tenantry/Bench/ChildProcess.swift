import Foundation

/// Runs an external program (pgbench, psql) to completion and times it as a whole.
///
/// Output goes to files, never pipes: a pipe needs a reader draining it while the child runs
/// or a chatty child stalls on a full pipe, and on Linux Foundation's `Process` can wait forever
/// for EOF on a pipe that a descendant inherited. The programs run here exit, and their output
/// is read once they have.
enum ChildProcess {
    /// How a program exited and what it printed.
    struct Result: Sendable {
        let commandLine: String
        let exitStatus: Int32
        let standardOutput: String
        let standardError: String
        /// From just before the spawn to the moment the exit was noticed.
        let elapsed: Duration

        var succeeded: Bool { exitStatus == 0 }

        /// The last lines of stderr (else stdout), for an error message.
        var diagnosticTail: String {
            let text = standardError.isEmpty ? standardOutput : standardError
            return text.split(whereSeparator: \.isNewline).suffix(5).joined(separator: " | ")
        }
    }

    /// Runs `executable` with `arguments` in `workDirectory`, where its output files are kept.
    static func run(_ executable: String, _ arguments: [String], workDirectory: URL) async throws -> Result {
        let commandLine = ([executable] + arguments).joined(separator: " ")
        let stem = "\(URL(fileURLWithPath: executable).lastPathComponent)-\(UUID().uuidString.prefix(8))"
        let outputURL = workDirectory.appendingPathComponent(stem + ".out")
        let errorURL = workDirectory.appendingPathComponent(stem + ".err")
        let output = try createOutputFile(outputURL)
        let error = try createOutputFile(errorURL)
        defer {
            try? output.close()
            try? error.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = workDirectory
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error

        let started = ContinuousClock.now
        let (exitStatus, ended) = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<(Int32, ContinuousClock.Instant), any Error>) in
            process.terminationHandler = { finished in
                continuation.resume(returning: (finished.terminationStatus, ContinuousClock.now))
            }
            do {
                try withEmptySignalMask { try process.run() }
            } catch {
                continuation.resume(throwing: BenchError("could not run \(executable): \(error.localizedDescription)"))
            }
        }
        return Result(
            commandLine: commandLine,
            exitStatus: exitStatus,
            standardOutput: contents(of: outputURL),
            standardError: contents(of: errorURL),
            elapsed: started.duration(to: ended)
        )
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

    /// The inherited environment in the C locale, so the lines parsed ("tps = …", "COPY n")
    /// are never translated.
    private static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        return environment
    }

    /// Runs `body` with no signal blocked on the calling thread.
    ///
    /// A spawned child inherits the spawning thread's signal mask, and Swift's worker threads
    /// block nearly every signal, SIGALRM and SIGTERM included; `Process` does not reset the
    /// mask, so `pgbench -T` (which ends on SIGALRM) would run forever and ignore SIGTERM. The
    /// main thread runs with an empty mask anyway, so this window exposes nothing new.
    private static func withEmptySignalMask<Value>(_ body: () throws -> Value) rethrows -> Value {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    private static func createOutputFile(_ url: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw BenchError("could not create \(url.path)")
        }
        return try FileHandle(forWritingTo: url)
    }

    private static func contents(of url: URL) -> String {
        (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
