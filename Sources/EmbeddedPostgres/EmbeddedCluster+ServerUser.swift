public import ChildProcesses
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Working beside the server as the user that runs it: the scripts PostgreSQL runs (an
/// `archive_command`) and the files they write must belong to that user, not to root.
extension EmbeddedCluster {
    /// Creates the cluster directory for the server user without initialising a cluster (relocating
    /// it under /var/tmp, as ``start()`` does, when that user cannot reach it) and returns where
    /// it physically lives: a path the server user reaches, for files the server must read or
    /// write (a WAL archive, scripts, or a restored data directory placed as `data` before the
    /// first ``start()``, which then starts it instead of running initdb).
    public func prepareDirectory() throws -> String {
        try withClusterLock { try prepareRoot(for: try ServerAccount.forCurrentProcess()) }
    }

    /// What runs `executable` with `arguments` as the user that runs the server (through runuser
    /// or setpriv when the process is root; directly otherwise), from "/", with PATH and the C
    /// locale only, output captured: spawn it with `ChildProcess.spawn` and wait with a deadline.
    public static func serverUserCommand(_ executable: String, _ arguments: [String]) throws -> ChildProcess.Configuration {
        let account = try ServerAccount.forCurrentProcess()
        let command = try account?.wrap(executable, arguments) ?? (executable: executable, arguments: arguments)
        return ChildProcess.Configuration(
            executable: command.executable, arguments: command.arguments, environment: ProcessRunner.environment,
            workingDirectory: "/", standardOutput: .capture, standardError: .standardOutput)
    }

    /// Creates `path` if missing as a directory private to the server user (mode 0700).
    public static func makeServerUserDirectory(_ path: String) throws {
        try FileSystem.ensurePrivateDirectory(path, owner: try ServerAccount.forCurrentProcess())
    }

    /// Copies the file at `source` to `destination` (which must not exist) and gives the copy to
    /// the server user: mode 0700 when `executable`, else 0600.
    public static func copyForServerUser(_ source: String, to destination: String, executable: Bool) throws {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw EmbeddedPostgresError("could not copy \(source) to \(destination): \(error.localizedDescription)")
        }
        try FileSystem.handOver(destination, to: try ServerAccount.forCurrentProcess())
        if executable {
            guard chmod(destination, 0o700) == 0 else { throw FileSystem.posixError("change mode of", destination) }
        }
    }
}
