import ChildProcesses
import EmbeddedPostgres
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Fixtures

/// Throwaway clusters live under the package's git-ignored .tenantry directory, one per use.
enum TestCluster {
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // EmbeddedPostgresTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .path

    static var clustersRoot: String { packageRoot + "/.tenantry/test-clusters" }

    static func newDirectory() -> String {
        clustersRoot + "/" + UUID().uuidString.lowercased()
    }

    /// Runs `body` with a fresh testing cluster and destroys it afterwards, also when `body` fails.
    static func with<T>(
        directory: String = newDirectory(), _ body: (EmbeddedCluster) async throws -> T
    ) async throws -> T {
        let postgres = EmbeddedCluster(directory: directory, profile: .testing)
        let result: T
        do {
            result = try await body(postgres)
        } catch {
            do { try await postgres.destroy() } catch let cleanup { Issue.record(cleanup, "destroy() after a failure") }
            throw error
        }
        try await postgres.destroy()
        return result
    }
}

/// The cluster shared by the tests that only read from it; set up once by `.sharedCluster`.
enum SharedCluster {
    @TaskLocal static var current: EmbeddedCluster?

    static func require() throws -> EmbeddedCluster {
        try #require(current, "the suite must carry the .sharedCluster trait")
    }
}

/// Starts one cluster around a whole suite, because initdb dominates the cost of these tests.
struct SharedClusterTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await TestCluster.with { postgres in
            try await postgres.start()
            try await SharedCluster.$current.withValue(postgres) {
                try await function()
            }
        }
    }
}

extension Trait where Self == SharedClusterTrait {
    static var sharedCluster: Self { Self() }
}

/// Runs /usr/bin/psql, the way a developer would, through the connection string.
enum PSQL {
    static func run(_ connectionString: String, _ sql: String) throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        let psql = try ChildProcess.spawn(
            ChildProcess.Configuration(
                executable: "/usr/bin/psql",
                arguments: ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", connectionString, "-c", sql],
                environment: environment,
                standardError: .standardOutput))
        let status = psql.waitUntilExit()
        return (status, psql.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The single value `sql` returns; fails the test with psql's output otherwise.
    static func value(_ connectionString: String, _ sql: String) throws -> String {
        let result = try run(connectionString, sql)
        try #require(result.status == 0, "psql failed: \(result.output)")
        return result.output
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(50))
    }
    return true
}

/// `path` with every symbolic link resolved: a cluster under a private checkout lives under
/// /var/tmp behind a link, and the server reports the paths it was started with.
func resolvedPath(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().path
}

/// Pids of the postmasters started with `-D dataDirectory`, through any symbolic link (their
/// children rewrite their argv).
func postmasters(of dataDirectory: String) -> Set<Int32> {
    let dataDirectory = resolvedPath(dataDirectory)
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return Set(
        entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let flag = arguments.firstIndex(of: "-D"), flag + 1 < arguments.count,
                resolvedPath(arguments[flag + 1]) == dataDirectory
            else { return nil }
            return pid
        })
}

// MARK: - Tests on one shared cluster

@Suite("EmbeddedPostgres, shared running cluster", .sharedCluster, .timeLimit(.minutes(1)))
struct SharedClusterTests {
    @Test("start() is idempotent: a second start returns the same running server")
    func startIsIdempotent() throws {
        let postgres = try SharedCluster.require()
        let before = postgres.status()
        #expect(before.isRunning)
        let pid = try #require(before.pid)

        let again = try postgres.start()
        #expect(again.isRunning)
        #expect(again.pid == pid)
        #expect(again == postgres.status())
        #expect(again.dataDirectory == postgres.directory + "/data")
        #expect(again.dataDirectory == postgres.dataDirectory)
        #expect(again.socketDirectory == postgres.socketDirectory)
        let version = try #require(again.serverVersion)
        let major = try String(contentsOfFile: postgres.dataDirectory + "/PG_VERSION", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.hasPrefix(major))
    }

    @Test("psql connects through connectionString and runs SELECT 1")
    func psqlSelectOne() throws {
        let postgres = try SharedCluster.require()
        let connection = postgres.connectionString(database: "postgres")
        #expect(try PSQL.value(connection, "SELECT 1") == "1")
        #expect(try PSQL.value(connection, "SELECT current_user") == EmbeddedCluster.superuser)
    }

    @Test("the server listens on its unix socket only, not on TCP")
    func noTCP() throws {
        let postgres = try SharedCluster.require()
        let connection = postgres.connectionString(database: "postgres")
        #expect(try PSQL.value(connection, "SHOW listen_addresses") == "")
        #expect(resolvedPath(try PSQL.value(connection, "SHOW unix_socket_directories")) == resolvedPath(postgres.socketDirectory))
        #expect(try PSQL.value(connection, "SELECT inet_server_addr() IS NULL") == "t")
    }

    @Test("connectionString names the socket directory, where the socket is")
    func connectionStringNamesSocketDirectory() throws {
        let postgres = try SharedCluster.require()
        #expect(
            postgres.connectionString(database: "app")
                == "host=\(postgres.socketDirectory) port=5432 dbname=app user=postgres")
        #expect(postgres.socketDirectory == postgres.directory + "/run")
        #expect(FileManager.default.fileExists(atPath: postgres.socketDirectory + "/.s.PGSQL.5432"))
    }

    @Test("quoted connection-string values reach libpq intact")
    func quotedValuesWork() throws {
        let postgres = try SharedCluster.require()
        let admin = postgres.connectionString(database: "postgres")
        _ = try PSQL.value(admin, #"CREATE DATABASE "it's a db\""#)
        let connection = postgres.connectionString(database: #"it's a db\"#)
        #expect(connection.contains(#"dbname='it\'s a db\\'"#))
        #expect(try PSQL.value(connection, "SELECT current_database()") == #"it's a db\"#)
    }

    @Test("the testing profile's settings are in effect")
    func testingProfileSettings() throws {
        let postgres = try SharedCluster.require()
        let connection = postgres.connectionString(database: "postgres")
        #expect(try PSQL.value(connection, "SHOW fsync") == "off")
        #expect(try PSQL.value(connection, "SHOW synchronous_commit") == "off")
        #expect(try PSQL.value(connection, "SHOW full_page_writes") == "off")
        #expect(try PSQL.value(connection, "SHOW max_connections") == "2500")
        #expect(try PSQL.value(connection, "SHOW shared_buffers") == "128MB")
        #expect(try PSQL.value(connection, "SHOW max_wal_size") == "2GB")
        #expect(try PSQL.value(connection, "SHOW server_encoding") == "UTF8")
        #expect(try PSQL.value(connection, "SHOW lc_collate") == "C")
    }
}

// MARK: - Tests that need a cluster of their own

@Suite("EmbeddedPostgres lifecycle", .timeLimit(.minutes(1)))
struct LifecycleTests {
    @Test("stop() stops the server, status() then says not running; restart() gives a new server")
    func stopAndRestart() async throws {
        let directory = TestCluster.newDirectory()
        try await TestCluster.with(directory: directory) { postgres in
            let started = try postgres.start()
            let firstPID = try #require(started.pid)

            try postgres.restart()
            let restarted = postgres.status()
            #expect(restarted.isRunning)
            #expect(restarted.pid != nil && restarted.pid != firstPID)
            #expect(try PSQL.value(postgres.connectionString(database: "postgres"), "SELECT 1") == "1")

            try postgres.stop()
            let stopped = postgres.status()
            #expect(!stopped.isRunning)
            #expect(stopped.pid == nil)
            #expect(stopped.serverVersion != nil)
            #expect(!FileManager.default.fileExists(atPath: postgres.socketDirectory + "/.s.PGSQL.5432"))
            try postgres.stop()  // a no-op when already stopped
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(!FileManager.default.fileExists(atPath: directory + ".lock"))
    }

    @Test("start() recovers after the postmaster is killed with SIGKILL, and cleans up a crashed initdb")
    func startAfterKill9() async throws {
        try await TestCluster.with { postgres in
            let started = try await postgres.start()
            let pid = try #require(started.pid)

            #expect(kill(pid, SIGKILL) == 0)
            #expect(try await eventually { !postgres.status().isRunning })
            // What a crashed initdb leaves, where the cluster physically lives (its directory,
            // or the one under /var/tmp it was relocated to when the checkout is private).
            let staleInit = resolvedPath(postgres.directory) + "/data.tmp-999999"
            try FileManager.default.createDirectory(atPath: staleInit, withIntermediateDirectories: true)

            let recovered = try await postgres.start()
            #expect(recovered.isRunning)
            #expect(recovered.pid != nil && recovered.pid != pid)
            #expect(!FileManager.default.fileExists(atPath: staleInit))
            #expect(try PSQL.value(postgres.connectionString(database: "postgres"), "SELECT 1") == "1")
        }
    }

    @Test("four concurrent start() calls end with exactly one running server")
    func concurrentStarts() async throws {
        try await TestCluster.with { postgres in
            let statuses = try await withThrowingTaskGroup(of: EmbeddedCluster.Status.self) { group in
                for _ in 0..<4 {
                    group.addTask { try postgres.start() }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 4)
            #expect(statuses.allSatisfy { $0.isRunning })
            let pids = Set(statuses.map(\.pid))
            #expect(pids.count == 1)
            let pid = try #require(pids.first ?? nil)
            #expect(postgres.status().pid == pid)
            #if os(Linux)
            #expect(postmasters(of: postgres.dataDirectory) == [pid])
            #endif
        }
    }

    @Test(
        "as root, a directory the server user cannot reach is relocated, and a long path gets a short socket directory",
        .enabled(if: geteuid() == 0, "relocation only happens when running as root"))
    func relocationAndSocketFallback() async throws {
        let privateParent = TestCluster.newDirectory() + "-private"
        try FileManager.default.createDirectory(
            atPath: privateParent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: privateParent) }
        let directory = privateParent + "/postgres-cluster-with-a-name-long-enough-to-overflow-a-unix-socket-path"
        let postgres = EmbeddedCluster(directory: directory, profile: .testing)
        #expect(postgres.socketDirectory.hasPrefix("/tmp/tenantry-"))

        let target = try await TestCluster.with(directory: directory) { postgres in
            let status = try postgres.start()
            #expect(status.isRunning)
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: directory)
            #expect(target.hasPrefix("/var/tmp/tenantry-"))
            let connection = postgres.connectionString(database: "postgres")
            #expect(try PSQL.value(connection, "SELECT 1") == "1")
            #expect(try PSQL.value(connection, "SHOW data_directory") == target + "/data")
            #expect(resolvedPath(try PSQL.value(connection, "SHOW unix_socket_directories")) == resolvedPath(postgres.socketDirectory))
            return target
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: postgres.socketDirectory))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: directory)) == nil)
        #expect(!FileManager.default.fileExists(atPath: directory + ".lock"))
    }

    @Test("a cluster that was never started: status is empty, stop and destroy are no-ops")
    func neverStarted() throws {
        let directory = TestCluster.newDirectory()
        let postgres = EmbeddedCluster(directory: directory)
        #expect(
            postgres.status()
                == EmbeddedCluster.Status(
                    isRunning: false, pid: nil, dataDirectory: directory + "/data",
                    socketDirectory: directory + "/run", serverVersion: nil))
        try postgres.stop()
        try postgres.destroy()
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}

// MARK: - Pure path and string logic

@Suite("EmbeddedPostgres paths and connection strings")
struct PathTests {
    @Test("a short directory keeps its socket in <directory>/run")
    func shortPathUsesRun() {
        let postgres = EmbeddedCluster(directory: "/srv/project/.tenantry/postgres")
        #expect(postgres.socketDirectory == "/srv/project/.tenantry/postgres/run")
        #expect(postgres.dataDirectory == "/srv/project/.tenantry/postgres/data")
        #expect(postgres.port == 5432)
    }

    @Test("a long directory puts its socket in a deterministic, short /tmp directory")
    func longPathFallsBack() {
        let long = "/srv/" + String(repeating: "deeply-nested/", count: 8) + "postgres"
        let first = EmbeddedCluster(directory: long)
        let second = EmbeddedCluster(directory: long + "/")
        let other = EmbeddedCluster(directory: long + "2")
        #expect(first.socketDirectory.hasPrefix("/tmp/tenantry-"))
        #expect(first.socketDirectory.utf8.count == "/tmp/tenantry-".utf8.count + 12)
        #expect(first.socketDirectory == second.socketDirectory)
        #expect(first.socketDirectory != other.socketDirectory)
    }

    @Test("relative and unnormalised directories are made absolute")
    func normalisesDirectory() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(EmbeddedCluster(directory: "a/./b/../pg").directory == (cwd == "/" ? "" : cwd) + "/a/pg")
        #expect(EmbeddedCluster(directory: "/x//y/").directory == "/x/y")
    }

    @Test("connection-string values with spaces, quotes or backslashes are quoted per libpq")
    func quoting() {
        let postgres = EmbeddedCluster(directory: "/tmp/my project/pg")
        #expect(
            postgres.connectionString(database: "my db", user: #"o'neil\x"#)
                == #"host='/tmp/my project/pg/run' port=5432 dbname='my db' user='o\'neil\\x'"#)
        #expect(postgres.connectionString(database: "") .contains("dbname=''"))
    }

    @Test("errors show the message and the captured output beneath it")
    func errorDescription() {
        let error = EmbeddedPostgresError("could not start PostgreSQL", output: "line 1\nline 2\n")
        #expect(error.description == "could not start PostgreSQL\n    line 1\n    line 2")
        #expect(EmbeddedPostgresError("plain", output: "  \n").description == "plain")
    }
}
