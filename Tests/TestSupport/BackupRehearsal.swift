import ChildProcesses
import EmbeddedPostgres
import Foundation

/// A private cluster of one test's own that archives its WAL through `Deploy/backup/archive-wal.sh`,
/// and the cluster a restore of it becomes, for rehearsing backups and point-in-time recovery
/// end to end with the scripts an operator runs.
///
/// Everything the server user touches lives in the source cluster's directory (as that user
/// reaches it): the scripts copied from `Deploy/backup` (`scripts/`), the WAL archive
/// (`wal-archive/`) and the base backups (`backups/`). The scripts run as the server user, as
/// the cluster does (PostgreSQL refuses root).
public struct BackupRehearsal: Sendable {
    /// The cluster that is backed up: the testing profile plus WAL archiving.
    public let source: EmbeddedCluster
    /// Where a restore goes: described only until `restore(…)` fills its data directory. It
    /// starts with `hot_standby` off, so its start returns once recovery has ended and it has
    /// been promoted.
    public let restored: EmbeddedCluster
    /// The WAL archive (archive_command's target).
    public let archive: String
    /// The base backups' root (base-backup.sh's BACKUP_ROOT).
    public let backups: String
    private let scripts: String
    private let restoredRoot: String

    /// What a script printed (stdout and stderr together) and how it exited.
    public struct ScriptOutcome: Sendable {
        public let status: Int32
        public let output: String
    }

    /// Lays out a new source cluster under `.tenantry/test-clusters/` (not started yet).
    public static func create() throws -> BackupRehearsal {
        let name = "backup-\(UUID().uuidString.prefix(8).lowercased())"
        let base = TestCluster.packageRoot.appendingPathComponent(".tenantry/test-clusters").path
        let root = try EmbeddedCluster(directory: base + "/" + name).prepareDirectory()
        let scripts = root + "/scripts", archive = root + "/wal-archive", backups = root + "/backups"
        for directory in [scripts, archive, backups] {
            try EmbeddedCluster.makeServerUserDirectory(directory)
        }
        let deploy = TestCluster.packageRoot.appendingPathComponent("Deploy/backup").path
        for script in ["common.sh", "archive-wal.sh", "base-backup.sh", "restore.sh", "expire-backups.sh"] {
            try EmbeddedCluster.copyForServerUser(deploy + "/" + script, to: scripts + "/" + script, executable: script != "common.sh")
        }
        let archiving = [
            "wal_level": "replica",
            "archive_mode": "on",
            "archive_command": "\(scripts)/archive-wal.sh \(archive) \"%p\" \"%f\"",
            "archive_timeout": "60s",
        ]
        let source = EmbeddedCluster(directory: base + "/" + name, profile: .testing, additionalSettings: archiving)
        let restored = EmbeddedCluster(
            directory: base + "/" + name + "-restored", profile: .testing, additionalSettings: ["hot_standby": "off"])
        return BackupRehearsal(
            source: source, restored: restored, archive: archive, backups: backups, scripts: scripts,
            restoredRoot: try restored.prepareDirectory())
    }

    /// The restored cluster's data directory as the server user reaches it (RESTORE's NEW_DATA_DIR).
    public var restoredDataDirectory: String { restoredRoot + "/data" }

    /// Runs one of the `Deploy/backup` scripts as the server user; one that has not exited by the
    /// deadline is killed and fails the test.
    public func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> ScriptOutcome {
        let child = try ChildProcess.spawn(EmbeddedCluster.serverUserCommand(scripts + "/" + script, arguments))
        do {
            let status = try await child.exitStatus(timeout: timeout)
            return ScriptOutcome(status: status, output: child.standardOutput)
        } catch {
            child.signal(SIGKILL)
            throw error
        }
    }

    /// The base backups base-backup.sh completed, oldest first (directory paths).
    public func completedBackups() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: backups)
            .filter { !$0.hasPrefix(".") }
            .sorted()
            .map { backups + "/" + $0 }
    }

    /// Stops both clusters and removes everything the rehearsal made; best effort, so that it can
    /// run after any failure.
    public func tearDown() async {
        for cluster in [restored, source] {
            try? await cluster.stop()
        }
        for directory in [scripts, archive, backups] {
            try? FileManager.default.removeItem(atPath: directory)
        }
        for cluster in [restored, source] {
            try? await cluster.destroy()
        }
    }
}
