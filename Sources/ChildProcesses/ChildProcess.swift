import Foundation
import Synchronization

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// A program started with `posix_spawn`, watched until it exits.
///
/// Foundation's `Process` is not used anywhere in Tenantry: on Linux it learns of a child's exit
/// through a socket the child inherits (so a daemon the child leaves behind keeps it waiting), it
/// leaves the spawning thread's signal mask to the child (Swift's worker threads block SIGTERM and
/// SIGALRM), and `run()` crashed the test process under load. Here the child gets its standard
/// streams and nothing else, default signal dispositions and an empty mask, and one watcher thread
/// per child is the only caller of `waitpid` for it.
public final class ChildProcess: Sendable {
    /// The child's process id; valid as a signal target until `exitStatus` is known.
    public let processIdentifier: pid_t
    /// The command as a readable line, for messages.
    public let commandLine: String

    private let standardOutputCapture: OutputCapture?
    private let standardErrorCapture: OutputCapture?
    private let spawned: ContinuousClock.Instant
    private let exit: Mutex<Exit?>

    /// How the child ended and when its end was noticed.
    private struct Exit {
        let status: Int32
        let instant: ContinuousClock.Instant
    }

    private init(
        processIdentifier: pid_t,
        commandLine: String,
        spawned: ContinuousClock.Instant,
        standardOutputCapture: OutputCapture?,
        standardErrorCapture: OutputCapture?
    ) {
        self.spawned = spawned
        self.processIdentifier = processIdentifier
        self.commandLine = commandLine
        self.standardOutputCapture = standardOutputCapture
        self.standardErrorCapture = standardErrorCapture
        self.exit = Mutex(nil)
    }

    /// Starts the program `configuration` describes.
    public static func spawn(_ configuration: Configuration) throws -> ChildProcess {
        let commandLine = ([configuration.executable] + configuration.arguments).joined(separator: " ")
        let standardOutput = try OpenedOutput(configuration.standardOutput, purpose: "the standard output of \(commandLine)")
        let standardError = try OpenedOutput(configuration.standardError, purpose: "the standard error of \(commandLine)")
        defer {
            standardOutput.closeParentCopy()
            standardError.closeParentCopy()
        }
        let spawned = ContinuousClock.now
        let pid = try Spawner.spawn(
            configuration, commandLine: commandLine,
            standardOutput: standardOutput.descriptor, standardError: standardError.descriptor)
        let child = ChildProcess(
            processIdentifier: pid,
            commandLine: commandLine,
            spawned: spawned,
            standardOutputCapture: standardOutput.capture,
            standardErrorCapture: standardError.capture)
        child.watch()
        return child
    }

    /// Runs the program to its end and returns its exit status and captured output.
    public static func run(_ configuration: Configuration, timeout: Duration? = nil) async throws -> Completion {
        let child = try spawn(configuration)
        let status: Int32
        do {
            status = try await child.exitStatus(timeout: timeout)
        } catch {
            child.signal(SIGKILL)
            throw error
        }
        return Completion(
            commandLine: child.commandLine, status: status,
            standardOutput: child.standardOutput, standardError: child.standardError,
            elapsed: child.elapsed ?? .zero)
    }

    /// The exit code, or 128 + the signal that killed it; nil while it runs.
    public var exitStatus: Int32? { exit.withLock { $0?.status } }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { exitStatus == nil }

    /// From the spawn to the moment the exit was noticed, once it has exited.
    public var elapsed: Duration? {
        exit.withLock { $0.map { spawned.duration(to: $0.instant) } }
    }

    /// What the child wrote to a `.capture`d standard output so far.
    public var standardOutput: String { standardOutputCapture?.text ?? "" }

    /// What the child wrote to a `.capture`d standard error so far.
    public var standardError: String { standardErrorCapture?.text ?? "" }

    /// Sends `signal` unless the child has already been reaped (its pid may belong to another
    /// process by then).
    public func signal(_ signal: Int32) {
        exit.withLock { exit in
            if exit == nil { _ = kill(processIdentifier, signal) }
        }
    }

    /// Waits for the exit, with an optional deadline, and returns the exit status.
    ///
    /// The watcher thread records the exit; this polls that record, never the kernel, backing
    /// off from a millisecond so that a short command costs little and a long one nothing.
    public func exitStatus(timeout: Duration?) async throws -> Int32 {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var pause: Duration = .milliseconds(1)
        while true {
            if let status = exitStatus { return status }
            if let deadline, ContinuousClock.now >= deadline {
                throw ChildProcessError("\(commandLine) did not exit within \(timeout ?? .zero)")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(25))
        }
    }

    /// Blocks the calling thread until the child exits; for synchronous callers only.
    public func waitUntilExit() -> Int32 {
        var info = siginfo_t()
        // WNOWAIT leaves the reaping to the watcher; several waiters may do this at once.
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
        while true {
            if let status = exitStatus { return status }
            usleep(200)
        }
    }

    /// Starts the thread that waits for the exit and records it.
    private func watch() {
        Thread.detachNewThread { [self] in
            var info = siginfo_t()
            // Wait without reaping first: the pid stays ours while `signal` may still use it.
            while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
            let noticed = ContinuousClock.now
            exit.withLock { exit in
                var raw: Int32 = 0
                while waitpid(processIdentifier, &raw, 0) < 0, errno == EINTR {}
                let signal = raw & 0x7f
                exit = Exit(status: signal == 0 ? (raw >> 8) & 0xff : 128 + signal, instant: noticed)
            }
        }
    }
}

extension ChildProcess {
    /// What to start, and where its output goes.
    public struct Configuration: Sendable {
        /// An absolute path; PATH is not searched.
        public var executable: String
        public var arguments: [String]
        /// The child's whole environment: nothing is inherited unless it is put here.
        public var environment: [String: String]
        /// The child's working directory; ours when nil.
        public var workingDirectory: String?
        public var standardOutput: Output
        public var standardError: Output
        /// Starts the child in a session of its own, so a terminal's Ctrl-C or hang-up meant for
        /// us does not reach it (for servers meant to outlive the command that started them).
        public var newSession: Bool

        public init(
            executable: String,
            arguments: [String] = [],
            environment: [String: String],
            workingDirectory: String? = nil,
            standardOutput: Output = .capture,
            standardError: Output = .capture,
            newSession: Bool = false
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.standardOutput = standardOutput
            self.standardError = standardError
            self.newSession = newSession
        }
    }

    /// Where a standard stream of the child goes.
    public enum Output: Sendable {
        /// /dev/null.
        case discard
        /// An unlinked temporary file, readable while the child runs; it never fills up the way a
        /// pipe does, and a descendant holding it open cannot keep anyone waiting for EOF.
        case capture
        /// A file, created or truncated.
        case file(String)
        /// A file, created or appended to.
        case appending(String)
        /// Standard error only: wherever standard output goes, interleaved as written.
        case standardOutput
    }

    /// How a program run to its end exited, and what it printed.
    public struct Completion: Sendable {
        public let commandLine: String
        /// The exit code, or 128 + the signal that killed it.
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
        public let elapsed: Duration

        public var succeeded: Bool { status == 0 }

        /// The last lines of stderr (else stdout), for an error message.
        public var diagnosticTail: String {
            let text = standardError.isEmpty ? standardOutput : standardError
            return text.split(whereSeparator: \.isNewline).suffix(5).joined(separator: " | ")
        }
    }
}
