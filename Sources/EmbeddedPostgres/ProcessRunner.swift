import ChildProcesses
import Foundation

/// Runs initdb, pg_ctl and friends to completion and captures their output.
enum ProcessRunner {
    /// Runs `executable` (as `account` when given) with a minimal environment, from "/" (the
    /// server user may not be able to enter our working directory, e.g. under /root).
    ///
    /// Output goes to a file, never a pipe: `pg_ctl start` leaves a postmaster running that
    /// inherits it, and a pipe would then never reach EOF.
    static func run(_ executable: String, _ arguments: [String], as account: ServerAccount?) throws -> CommandOutput {
        let command = try account?.wrap(executable, arguments) ?? (executable: executable, arguments: arguments)
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                ChildProcess.Configuration(
                    executable: command.executable,
                    arguments: command.arguments,
                    environment: environment,
                    workingDirectory: "/",
                    standardOutput: .capture,
                    standardError: .standardOutput))
        } catch {
            throw EmbeddedPostgresError("\(error)")
        }
        let exitStatus = child.waitUntilExit()
        return CommandOutput(commandLine: child.commandLine, exitStatus: exitStatus, text: child.standardOutput)
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
