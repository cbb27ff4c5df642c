import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private PostgreSQL cluster kept in one directory and reachable only through a unix socket,
/// for development and tests.
///
/// The directory holds `data/` (the data directory, created by initdb on first start), `run/` (the
/// socket directory, see ``socketDirectory``) and `postgres.log`. A sibling file
/// `<directory>.lock` serialises start, stop and destroy between threads and processes, so any
/// number of processes may call ``start()`` at once and end up sharing one server.
///
/// PostgreSQL refuses to run as root, so under root the cluster belongs to and runs as the system
/// user `postgres` (or `tenantry-pg`, created on demand). When that user cannot reach the directory
/// (a project under /root, say), the cluster lives in `/var/tmp/tenantry-<hash>` and the directory
/// becomes a symlink to it.
///
/// The value is immutable and only describes the cluster; all state lives on disk. The methods
/// block the calling thread while initdb and pg_ctl run (a first start takes a second or two).
public struct EmbeddedCluster: Sendable {
    /// The superuser initdb creates; local socket connections need no password.
    public static let superuser = "postgres"

    /// The cluster directory, absolute and normalised.
    public let directory: String
    /// The settings applied whenever this value starts the server.
    public let profile: Profile
    /// postgresql.conf settings written after the profile's (and so overriding them) whenever
    /// this value starts the server, by name, e.g. `["archive_mode": "on"]`; each value is
    /// written as a quoted string literal.
    public let additionalSettings: [String: String]

    private let layout: ClusterLayout

    /// Seconds `start()` waits for the server to accept connections.
    private static let startTimeout = 60
    /// Past this size the log is moved to postgres.log.1 on start, so it cannot grow forever.
    private static let maximumLogSize: Int64 = 8 << 20

    /// Describes the cluster in `directory` (e.g. "<project>/.tenantry/postgres"); nothing is created
    /// until ``start()``. A relative path is resolved against the current working directory.
    /// `additionalSettings` (e.g. WAL archiving for a backup rehearsal) are written after the
    /// profile's settings on every start.
    public init(directory: String, profile: Profile = .development, additionalSettings: [String: String] = [:]) {
        layout = ClusterLayout(directory: directory)
        self.directory = layout.directory
        self.profile = profile
        self.additionalSettings = additionalSettings
    }

    /// The directory of the server's unix socket: `<directory>/run`, unless the socket path in it
    /// would exceed the unix socket path limit; then `/tmp/tenantry-<hash of directory>`.
    public var socketDirectory: String { layout.socketDirectory }

    /// The socket's directory as the server user reaches it: the physical one when the cluster
    /// was relocated (the server user may not traverse the symlink's parents), else
    /// ``socketDirectory``. For programs run as that user (`serverUserCommand`).
    public var serverSocketDirectory: String {
        guard let root = layout.resolvedRoot() else { return socketDirectory }
        return layout.paths(root: root).serverSocketDirectory
    }

    /// `<directory>/data`.
    public var dataDirectory: String { layout.dataDirectory }

    /// Always 5432: the server does not listen on TCP, the port only names the socket file.
    public var port: Int { ClusterLayout.port }

    /// Initialises the cluster on first use, then starts the server unless it is already running,
    /// and waits (up to 60 s) until it accepts connections.
    ///
    /// Idempotent and safe to call concurrently from several threads or processes: they all end up
    /// with the same server. Also recovers from a server that was killed (stale postmaster.pid).
    @discardableResult
    public func start() throws -> Status {
        try withClusterLock { try startHoldingLock() }
    }

    /// Stops the server with a fast shutdown (open sessions are disconnected); does nothing when it
    /// is not running.
    public func stop() throws {
        guard FileSystem.exists(layout.directory) else { return }
        try withClusterLock { try stopHoldingLock(mode: "fast") }
    }

    /// Stops the server if it runs, then starts it, as one step for other processes.
    public func restart() throws {
        try withClusterLock {
            try stopHoldingLock(mode: "fast")
            _ = try startHoldingLock()
        }
    }

    /// The current state, read from the data directory without taking the lock or running commands
    /// (except `postgres --version` once per process for ``Status/serverVersion``).
    public func status() -> Status {
        var status = Status(
            isRunning: false, pid: nil, dataDirectory: dataDirectory, socketDirectory: socketDirectory,
            serverVersion: nil)
        guard let root = layout.resolvedRoot() else { return status }
        let paths = layout.paths(root: root)
        status.serverVersion = Self.serverVersion(of: paths)
        guard let pidFile = PostmasterPIDFile.read(paths.pidFile), ProcessProbe.isLivePostgres(pidFile.pid) else {
            return status
        }
        status.pid = pidFile.pid
        status.isRunning = pidFile.isReady && FileSystem.exists(paths.socketFile)
        return status
    }

    /// Stops the server (immediately: the data is about to go) and removes the cluster directory,
    /// the relocated cluster it points to if any, the fallback socket directory and the lock file.
    public func destroy() throws {
        guard FileSystem.exists(FileSystem.parent(of: layout.directory)) else {
            try removeFallbackSocketDirectory()
            return
        }
        try withClusterLock {
            try stopForRemoval()
            if let info = FileSystem.linkStatus(layout.directory), FileSystem.isSymbolicLink(info) {
                if let target = layout.resolvedRoot() {
                    try removeClusterFiles(in: target)
                }
                try FileSystem.remove(layout.directory)
            } else {
                try FileSystem.remove(layout.directory)
            }
            try removeFallbackSocketDirectory()
            // Waiters on this lock notice the unlink and lock the next file instead; see FileLock.
            try FileSystem.remove(layout.lockPath)
        }
    }

    /// A libpq keyword/value connection string for the socket, e.g.
    /// `host=/p/.tenantry/postgres/run port=5432 dbname=app user=postgres`; values that need it are
    /// single-quoted and escaped per libpq's rules.
    public func connectionString(database: String, user: String = EmbeddedCluster.superuser) -> String {
        [("host", socketDirectory), ("port", String(port)), ("dbname", database), ("user", user)]
            .map { "\($0.0)=\(Self.connectionValue($0.1))" }
            .joined(separator: " ")
    }

    // MARK: - Starting

    private func startHoldingLock() throws -> Status {
        let current = status()
        if current.isRunning { return current }

        // Fail on missing binaries before creating anything.
        let existingMajor = layout.resolvedRoot().flatMap { Self.clusterMajorVersion(layout.paths(root: $0)) }
        let binaries = try ServerBinaries.locate(preferredMajor: existingMajor)
        let account = try ServerAccount.forCurrentProcess()
        let root = try prepareRoot(for: account)
        let paths = layout.paths(root: root)
        if try waitForLiveServer(paths) {
            return status()
        }
        try removeStaleInitDirectories(in: root)
        if !FileSystem.exists(paths.versionFile) {
            try initialise(paths, binaries: binaries, account: account)
        }
        try FileSystem.ensurePrivateDirectory(paths.serverSocketDirectory, owner: account)
        try writeSettings(paths, account: account)
        try removeStaleLockFiles(paths)
        rotateLog(paths)
        try launch(paths, binaries: binaries, account: account)

        let started = waitForRecovery(paths)
        guard started.isRunning else {
            throw EmbeddedPostgresError(
                "PostgreSQL started for \(dataDirectory) but is not ready on socket \(paths.socketFile)",
                output: FileSystem.tail(of: paths.log))
        }
        return started
    }

    /// Creates the cluster directory for the server user, or relocates the cluster when that user
    /// cannot reach it; returns where the cluster physically lives.
    func prepareRoot(for account: ServerAccount?) throws -> String {
        let directory = layout.directory
        guard let info = FileSystem.linkStatus(directory) else {
            if let account, !account.canTraverse(FileSystem.parent(of: directory)) {
                return try relocate(for: account)
            }
            try FileSystem.ensurePrivateDirectory(directory, owner: account)
            return directory
        }
        if FileSystem.isSymbolicLink(info) {
            guard let target = layout.resolvedRoot() else {
                throw EmbeddedPostgresError("cannot read the symlink \(directory)")
            }
            try FileSystem.ensurePrivateDirectory(target, owner: account)
            return target
        }
        guard FileSystem.isDirectory(info) else {
            throw EmbeddedPostgresError("\(directory) exists but is not a directory")
        }
        try FileSystem.ensurePrivateDirectory(directory, owner: account)
        guard let account, !account.canTraverse(directory) else { return directory }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard contents.isEmpty else {
            throw EmbeddedPostgresError(
                "user '\(account.name)', which runs PostgreSQL, cannot reach \(directory) because a parent directory "
                    + "is not searchable: make the parents searchable (chmod o+x) or remove \(directory) "
                    + "so that the cluster is relocated under /var/tmp")
        }
        try FileSystem.remove(directory)
        return try relocate(for: account)
    }

    private func relocate(for account: ServerAccount) throws -> String {
        let target = layout.relocationTarget
        try FileSystem.ensurePrivateDirectory(target, owner: account)
        do {
            try FileManager.default.createSymbolicLink(atPath: layout.directory, withDestinationPath: target)
        } catch {
            throw EmbeddedPostgresError(
                "could not link \(layout.directory) to \(target): \(error.localizedDescription)")
        }
        return target
    }

    /// A postmaster can be alive without being ready: crash recovery that outlasted an earlier
    /// start's timeout, or a shutdown in progress. A second postmaster would fail next to it, so wait
    /// for it; true when it became ready, false when there is none (any more).
    private func waitForLiveServer(_ paths: ClusterPaths) throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(Self.startTimeout)
        while let pidFile = PostmasterPIDFile.read(paths.pidFile), ProcessProbe.isLivePostgres(pidFile.pid) {
            if pidFile.isReady {
                guard FileSystem.exists(paths.socketFile) else {
                    throw EmbeddedPostgresError(
                        "PostgreSQL (pid \(pidFile.pid)) runs for \(dataDirectory) but its socket "
                            + "\(paths.socketFile) is missing: restart it")
                }
                return true
            }
            guard ContinuousClock.now < deadline else {
                throw EmbeddedPostgresError(
                    "PostgreSQL (pid \(pidFile.pid)) for \(dataDirectory) is still '\(pidFile.state ?? "")' "
                        + "after \(Self.startTimeout) s",
                    output: FileSystem.tail(of: paths.log))
            }
            usleep(100_000)
        }
        return false
    }

    /// pg_ctl stops waiting once a server in archive recovery (a data directory restored from a
    /// backup, with `hot_standby` off) says "standby"; it accepts connections only after it has
    /// replayed up to its target and promoted. Waits for that, up to the start timeout.
    private func waitForRecovery(_ paths: ClusterPaths) -> Status {
        let deadline = ContinuousClock.now + .seconds(Self.startTimeout)
        var current = status()
        while !current.isRunning, ContinuousClock.now < deadline,
            let pidFile = PostmasterPIDFile.read(paths.pidFile), ProcessProbe.isLivePostgres(pidFile.pid),
            pidFile.state == "standby" || pidFile.state == "starting"
        {
            usleep(100_000)
            current = status()
        }
        return current
    }

    /// Leftovers of an initdb that crashed; we hold the lock, so no initdb is running.
    private func removeStaleInitDirectories(in root: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for name in names where name.hasPrefix(ClusterPaths.initPrefix) {
            try FileSystem.remove(root + "/" + name)
        }
    }

    /// Runs initdb into a staging directory and renames it into place, so that a crash midway never
    /// leaves a half-initialised `data` that every later start would trip over.
    private func initialise(_ paths: ClusterPaths, binaries: ServerBinaries, account: ServerAccount?) throws {
        if FileSystem.exists(paths.data) {
            throw EmbeddedPostgresError(
                "\(paths.data) exists but has no PG_VERSION, so it is not a PostgreSQL data directory: remove it")
        }
        let staging = paths.root + "/" + ClusterPaths.initPrefix + String(getpid())
        var arguments = [
            "-D", staging, "-U", Self.superuser, "--auth-local=trust", "--auth-host=reject",
            "-E", "UTF8", "--locale=C",
        ]
        if profile == .testing {
            // The testing profile runs with fsync=off, so durable initdb files would buy nothing.
            arguments.append("--no-sync")
        }
        let result = try ProcessRunner.run(binaries.initdb, arguments, as: account)
        guard result.succeeded else {
            try? FileSystem.remove(staging)
            throw EmbeddedPostgresError(
                "initdb failed for \(dataDirectory) (exit status \(result.exitStatus))", output: result.tail)
        }
        let include =
            "\n# Tenantry's EmbeddedCluster rewrites this file on every start.\n"
            + "include_if_exists = '\(ClusterPaths.settingsFileName)'\n"
        let configuration = staging + "/postgresql.conf"
        do {
            guard let handle = FileHandle(forWritingAtPath: configuration) else {
                throw FileSystem.posixError("open", configuration)
            }
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(include.utf8))
        } catch let error as EmbeddedPostgresError {
            throw error
        } catch {
            throw EmbeddedPostgresError("could not write \(configuration): \(error.localizedDescription)")
        }
        guard rename(staging, paths.data) == 0 else {
            throw FileSystem.posixError("rename \(staging) to", paths.data)
        }
    }

    private func writeSettings(_ paths: ClusterPaths, account: ServerAccount?) throws {
        let text = profile.configuration(socketDirectory: paths.serverSocketDirectory, additional: additionalSettings)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: paths.settings), options: .atomic)
        } catch {
            throw EmbeddedPostgresError("could not write \(paths.settings): \(error.localizedDescription)")
        }
        try FileSystem.handOver(paths.settings, to: account)
    }

    /// Removes the lock files of a server that is gone.
    ///
    /// PostgreSQL removes them itself, unless the recorded pid still exists: a killed postmaster
    /// nobody reaped stays a zombie, and then the new server refuses to start. Orphaned children of
    /// a killed server are still detected, by PostgreSQL, through their shared memory.
    private func removeStaleLockFiles(_ paths: ClusterPaths) throws {
        if FileSystem.exists(paths.pidFile) {
            let pidFile = PostmasterPIDFile.read(paths.pidFile)
            if !(pidFile.map { ProcessProbe.isLivePostgres($0.pid) } ?? false) {
                try FileSystem.remove(paths.pidFile)
            }
        }
        if FileSystem.exists(paths.socketLockFile) {
            let socketLock = PostmasterPIDFile.read(paths.socketLockFile)
            if !(socketLock.map { ProcessProbe.isLivePostgres($0.pid) } ?? false) {
                try FileSystem.remove(paths.socketLockFile)
                try FileSystem.remove(paths.socketFile)
            }
        }
    }

    private func rotateLog(_ paths: ClusterPaths) {
        guard let size = FileSystem.size(paths.log), size > Self.maximumLogSize else { return }
        // Best effort: a log that cannot be rotated is still appended to.
        _ = rename(paths.log, paths.log + ".1")
    }

    private func launch(_ paths: ClusterPaths, binaries: ServerBinaries, account: ServerAccount?) throws {
        let retryDeadline = ContinuousClock.now + .seconds(10)
        while true {
            let logOffset = FileSystem.size(paths.log) ?? 0
            let result = try ProcessRunner.run(
                binaries.pgCtl,
                ["-D", paths.data, "-l", paths.log, "-w", "-t", String(Self.startTimeout), "-s", "start"],
                as: account)
            if result.succeeded { return }
            let log = FileSystem.tail(of: paths.log, from: logOffset) ?? ""
            // The children of a postmaster killed with SIGKILL take a moment to notice and exit;
            // until then PostgreSQL refuses to start over their shared memory.
            if log.contains("pre-existing shared memory block"), ContinuousClock.now < retryDeadline {
                usleep(200_000)
                try removeStaleLockFiles(paths)
                continue
            }
            throw EmbeddedPostgresError(
                "could not start PostgreSQL for \(dataDirectory) (pg_ctl exit status \(result.exitStatus), "
                    + "log \(paths.log))",
                output: [result.tail, log].filter { !$0.isEmpty }.joined(separator: "\n"))
        }
    }

    // MARK: - Stopping and removing

    private func stopHoldingLock(mode: String) throws {
        guard let root = layout.resolvedRoot() else { return }
        let paths = layout.paths(root: root)
        guard let pidFile = PostmasterPIDFile.read(paths.pidFile), ProcessProbe.isLivePostgres(pidFile.pid) else {
            return
        }
        let account = try ServerAccount.forCurrentProcess()
        let binaries = try ServerBinaries.locate(preferredMajor: Self.clusterMajorVersion(paths))
        let result = try ProcessRunner.run(
            binaries.pgCtl, ["-D", paths.data, "-m", mode, "-w", "-t", String(Self.startTimeout), "-s", "stop"],
            as: account)
        // pg_ctl returns once postmaster.pid is gone, a moment before the process exits; a start
        // right after (restart) must not find it still alive. It also fails when the server exits on
        // its own meanwhile, which is just as good.
        if ProcessProbe.waitUntilGone(pidFile.pid, timeout: .seconds(10)) { return }
        throw EmbeddedPostgresError(
            "could not stop PostgreSQL (pid \(pidFile.pid)) for \(dataDirectory)",
            output: result.succeeded ? FileSystem.tail(of: paths.log) : result.tail)
    }

    private func stopForRemoval() throws {
        guard let root = layout.resolvedRoot(),
            let pidFile = PostmasterPIDFile.read(layout.paths(root: root).pidFile),
            ProcessProbe.isLivePostgres(pidFile.pid)
        else { return }
        do {
            try stopHoldingLock(mode: "immediate")
        } catch {
            // The data is about to be deleted, so a server that does not stop is killed instead.
            kill(pidFile.pid, SIGKILL)
            guard ProcessProbe.waitUntilGone(pidFile.pid, timeout: .seconds(10)) else { throw error }
        }
    }

    /// Empties a relocated cluster. Only our own entries are removed, in case the symlink was made
    /// by hand and points somewhere that holds more.
    private func removeClusterFiles(in root: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let ours: Set<String> = ["data", "run", "postgres.log", "postgres.log.1"]
        for name in names where ours.contains(name) || name.hasPrefix(ClusterPaths.initPrefix) {
            try FileSystem.remove(root + "/" + name)
        }
        // Fails, deliberately, when the directory holds something that is not ours.
        _ = rmdir(root)
    }

    private func removeFallbackSocketDirectory() throws {
        if layout.usesFallbackSocketDirectory {
            try FileSystem.remove(layout.fallbackSocketDirectory)
        }
    }

    func withClusterLock<T>(_ body: () throws -> T) throws -> T {
        let parent = FileSystem.parent(of: layout.directory)
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw EmbeddedPostgresError("could not create \(parent): \(error.localizedDescription)")
        }
        return try FileLock.withExclusiveLock(at: layout.lockPath, body)
    }

    // MARK: - Helpers

    /// The cluster's PG_VERSION, e.g. "15"; nil before initdb.
    private static func clusterMajorVersion(_ paths: ClusterPaths) -> String? {
        let version = FileSystem.contents(of: paths.versionFile)?.trimmingCharacters(in: .whitespacesAndNewlines)
        return version?.isEmpty == false ? version : nil
    }

    private static func serverVersion(of paths: ClusterPaths) -> String? {
        guard let major = clusterMajorVersion(paths) else { return nil }
        guard let binaries = try? ServerBinaries.locate(preferredMajor: major), let version = binaries.version,
            ServerBinaries.major(of: version) == major
        else { return major }
        return version
    }

    /// Quotes a connection-string value when libpq requires it: empty, or containing whitespace,
    /// a quote or a backslash.
    private static func connectionValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0.isWhitespace || $0 == "'" || $0 == "\\" }
        guard needsQuotes else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "'" + escaped + "'"
    }
}
