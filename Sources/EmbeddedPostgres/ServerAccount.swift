import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The unprivileged user that runs initdb, pg_ctl and the server when we are root, since
/// PostgreSQL refuses to run as root.
struct ServerAccount: Sendable {
    /// Debian's postgresql package creates this user.
    static let systemUserName = "postgres"
    /// Created on demand when the system has no `postgres` user.
    static let fallbackUserName = "tenantry-pg"

    let name: String
    let uid: uid_t
    let gid: gid_t

    /// nil when the current process is not root: then everything runs as the current user.
    static func forCurrentProcess() throws -> ServerAccount? {
        guard geteuid() == 0 else { return nil }
        if let account = lookup(systemUserName) ?? lookup(fallbackUserName) {
            return account
        }
        return try createFallbackUser()
    }

    static func lookup(_ name: String) -> ServerAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return nil }
        return ServerAccount(name: name, uid: entry.pw_uid, gid: entry.pw_gid)
    }

    private static func createFallbackUser() throws -> ServerAccount {
        let useradd = ["/usr/sbin/useradd", "/sbin/useradd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let useradd else {
            throw EmbeddedPostgresError(
                "PostgreSQL cannot run as root and there is no '\(systemUserName)' user nor a useradd to create "
                    + "'\(fallbackUserName)': install the Debian package postgresql or run as a normal user")
        }
        let result = try ProcessRunner.run(
            useradd,
            ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", fallbackUserName],
            as: nil)
        // Another process may have created the user between our lookup and useradd.
        if let account = lookup(fallbackUserName) {
            return account
        }
        throw EmbeddedPostgresError(
            "could not create the system user '\(fallbackUserName)' to run PostgreSQL (\(result.commandLine) "
                + "exited with status \(result.exitStatus))",
            output: result.tail)
    }

    /// The command line that runs `executable` as this user.
    func wrap(_ executable: String, _ arguments: [String]) throws -> (executable: String, arguments: [String]) {
        let fileManager = FileManager.default
        if let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: fileManager.isExecutableFile(atPath:)) {
            return (runuser, ["-u", name, "--", executable] + arguments)
        }
        if let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: fileManager.isExecutableFile(atPath:)) {
            return (setpriv, ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--", executable] + arguments)
        }
        throw EmbeddedPostgresError(
            "cannot run PostgreSQL as user '\(name)': neither runuser nor setpriv is installed (Debian package util-linux)")
    }

    /// Whether this user can search `path`, which implies it can traverse every parent.
    func canTraverse(_ path: String) -> Bool {
        let test = ["/usr/bin/test", "/bin/test"].first(where: FileManager.default.isExecutableFile(atPath:)) ?? "test"
        let result = try? ProcessRunner.run(test, ["-x", path], as: self)
        return result?.succeeded ?? false
    }
}
