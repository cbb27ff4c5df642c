import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command to completion and captures its output.
///
/// This uses posix_spawn rather than Foundation's `Process`: on Linux, `Process` learns that a
/// child exited through a socket the child inherits, and `pg_ctl start` hands that socket on to the
/// postmaster it leaves running, so `waitUntilExit()` would never return. Here the child gets
/// stdin, stdout and stderr and nothing else.
enum ProcessRunner {
    /// Runs `executable` (as `account` when given) with a minimal environment, from "/".
    ///
    /// Output goes to an unlinked temporary file rather than a pipe, so a descendant that outlives
    /// the command can never make us wait for EOF.
    static func run(_ executable: String, _ arguments: [String], as account: ServerAccount?) throws -> CommandOutput {
        let command = try account?.wrap(executable, arguments) ?? (executable: executable, arguments: arguments)
        let commandLine = ([command.executable] + command.arguments).joined(separator: " ")

        let capturePath = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("tenantry-command-\(UUID().uuidString)").path
        let capture = open(capturePath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard capture >= 0 else { throw FileSystem.posixError("create a temporary file", capturePath) }
        unlink(capturePath)
        defer { close(capture) }

        let pid = try spawn(command.executable, command.arguments, output: capture, commandLine: commandLine)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw FileSystem.posixError("wait for", commandLine) }
        }
        let signal = status & 0x7f
        let exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal

        let text = lseek(capture, 0, SEEK_SET) == 0 ? FileSystem.readToEnd(capture) ?? "" : ""
        return CommandOutput(commandLine: commandLine, exitStatus: exitStatus, text: text)
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], output: Int32, commandLine: String
    ) throws -> pid_t {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // Ignored signals survive exec; the server and tools expect default dispositions and an
        // empty mask, whatever the calling thread had.
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        // The server user may not be able to enter our working directory (e.g. under /root).
        posix_spawn_file_actions_addchdir_np(&actions, "/")
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
        try GlibcSpawnExtensions.changeDirectory(&actions, to: "/")
        try GlibcSpawnExtensions.closeDescriptors(&actions, from: 3)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw EmbeddedPostgresError("could not run \(commandLine): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// PATH and the C locale only: inherited PGPORT, PGDATA, PGHOST… would silently retarget
    /// pg_ctl and the server, and a non-C locale would translate the messages we match on.
    static var environment: [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment = [
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "LC_ALL": "C",
            "LANG": "C",
        ]
        if let timeZone = inherited["TZ"] {
            environment["TZ"] = timeZone
        }
        return environment
    }
}
