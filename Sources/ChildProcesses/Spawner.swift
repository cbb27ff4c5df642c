import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `posix_spawn` call behind `ChildProcess.spawn`.
enum Spawner {
    /// Signals the child starts with at their default disposition: ignored signals survive exec,
    /// and the programs we run (pg_ctl, pgbench's SIGALRM, a server's SIGTERM) expect defaults.
    private static let defaultedSignals = [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM]

    /// glibc's POSIX_SPAWN_SETSID (2.26+), which Swift's Glibc module does not import.
    private static let setSessionFlag: Int32 = 0x80

    static func spawn(
        _ configuration: ChildProcess.Configuration,
        commandLine: String,
        standardOutput: Int32?,
        standardError: Int32?
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
        if let standardOutput {
            posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        }
        // Applied in order: a nil standard error joins standard output as it now is.
        posix_spawn_file_actions_adddup2(&actions, standardError ?? 1, 2)

        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        if let directory = configuration.workingDirectory {
            posix_spawn_file_actions_addchdir_np(&actions, directory)
        }
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        if configuration.newSession { flags |= Int32(POSIX_SPAWN_SETSID) }
        #else
        if let directory = configuration.workingDirectory {
            try GlibcSpawnExtensions.changeDirectory(&actions, to: directory)
        }
        try GlibcSpawnExtensions.closeDescriptors(&actions, from: 3)
        if configuration.newSession { flags |= setSessionFlag }
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultedSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([configuration.executable] + configuration.arguments).map { strdup($0) } + [nil]
        let envp = configuration.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, configuration.executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ChildProcessError("could not run \(commandLine): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
