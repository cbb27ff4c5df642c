import Foundation
import PostgresClient
import TestSupport
import Testing

/// Deploy/backup's scripts, run as an operator would, against a private cluster that archives
/// its WAL: base backup, more writes, restore to a time between two batches, then the restored
/// store checked with the binary.
@Suite("backups and point-in-time recovery, end to end")
struct BackupRestoreTests {
    let tenant = "0c4b8a52-5d3e-4f61-9a7e-2b1d6f0e9c31"

    @Test("restored to a time between two batches: the first is there, the second is not, the store verifies and takes appends")
    func pointInTimeRecovery() async throws {
        let rehearsal = try BackupRehearsal.create()
        do {
            try await rehearse(rehearsal)
            await rehearsal.tearDown()
        } catch {
            await rehearsal.tearDown()
            throw error
        }
    }

    private func rehearse(_ rehearsal: BackupRehearsal) async throws {
        try await rehearsal.source.start()
        let maintenance = PostgresConfiguration(connectionString: rehearsal.source.connectionString(database: "postgres"))
        try await PostgresConnection.withConnection(maintenance) { connection in
            _ = try await connection.createDatabaseIfMissing("tenantry")
        }
        let sourceURL = rehearsal.source.connectionString(database: "tenantry")
        let migrate = try await TenantryProcess.run(["migrate", "--database-url", sourceURL])
        #expect(migrate.status == 0, "\(migrate.standardError)")
        try await append("Opened", version: "no-stream", to: sourceURL)

        let backup = try await rehearsal.run(
            "base-backup.sh", [rehearsal.backups, "-h", rehearsal.source.serverSocketDirectory, "-U", "postgres"])
        try #require(backup.status == 0, "base-backup.sh failed: \(backup.output)")
        let backupDirectory = try #require(try rehearsal.completedBackups().last)

        // Batch A, then the target time T (after A's commits and a WAL switch), then batch B.
        let batchA = [UUID(), UUID(), UUID()]
        for (offset, id) in batchA.enumerated() {
            try await append("DepositedA", version: String(offset + 1), id: id, to: sourceURL)
        }
        let sourceDatabase = PostgresConfiguration(connectionString: sourceURL)
        let target = try await PostgresConnection.withConnection(sourceDatabase) { connection in
            _ = try await connection.query("SELECT pg_switch_wal()")
            return try await connection.query("SELECT now()::text").rows.first?.decode(String.self)
        }
        let targetTime = try #require(target)
        try await append("DepositedB", version: "4", to: sourceURL)
        try await append("DepositedB", version: "5", to: sourceURL)
        try await append("Opened", version: "no-stream", stream: "account-2", to: sourceURL)
        // Recovery stops at the first commit after T, so B's WAL must be in the archive.
        let lastSegment = try await PostgresConnection.withConnection(sourceDatabase) { connection in
            try await connection.query("SELECT pg_walfile_name(pg_switch_wal())").rows.first?.decode(String.self)
        }
        let segment = try #require(lastSegment)
        try await waitUntil("segment \(segment) is archived", timeout: .seconds(30)) {
            FileManager.default.fileExists(atPath: rehearsal.archive + "/" + segment)
        }
        try await rehearsal.source.stop()

        let restore = try await rehearsal.run(
            "restore.sh", [backupDirectory, rehearsal.archive, rehearsal.restoredDataDirectory, targetTime])
        try #require(restore.status == 0, "restore.sh failed: \(restore.output)")
        let again = try await rehearsal.run(
            "restore.sh", [backupDirectory, rehearsal.archive, rehearsal.restoredDataDirectory, targetTime])
        #expect(again.status != 0 && again.output.contains("refusing to restore"), "\(again.output)")

        try await rehearsal.restored.start()
        let restoredURL = rehearsal.restored.connectionString(database: "tenantry")
        try await waitUntil("the restored cluster has been promoted", timeout: .seconds(30)) {
            try await PostgresConnection.withConnection(PostgresConfiguration(connectionString: restoredURL)) { connection in
                try await connection.query("SELECT NOT pg_is_in_recovery()").rows.first?.decode(Bool.self) ?? false
            }
        }

        // Batch A is there, batch B is not.
        let read = try await TenantryProcess.run(["events", "read", "account-1", "--tenant", tenant, "--json", "--database-url", restoredURL])
        #expect(read.status == 0, "\(read.standardError)")
        let types = read.lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["type"] as? String
        }
        #expect(types == ["Opened", "DepositedA", "DepositedA", "DepositedA"])
        let other = try await TenantryProcess.run(["events", "read", "account-2", "--tenant", tenant, "--database-url", restoredURL])
        #expect(other.standardOutput.contains("has no events"), "\(other.standardOutput)")

        let verify = try await TenantryProcess.run(["events", "verify", "--database-url", restoredURL])
        #expect(verify.status == 0, "\(verify.standardOutput)\(verify.standardError)")
        for check in ["stream-versions", "stream-rows", "event-ids", "feed", "checkpoints", "migrations"] {
            #expect(verify.standardOutput.contains("ok   \(check):"), "\(verify.standardOutput)")
        }

        // The restored store still appends with optimistic concurrency and idempotency.
        let stale = try await TenantryProcess.run(
            appendArguments("DepositedC", version: "2", id: UUID(), stream: "account-1") + ["--database-url", restoredURL])
        #expect(stale.status == 75, "a stale expected version is refused: \(stale.standardError)")
        let retry = try await TenantryProcess.run(
            appendArguments("DepositedA", version: "3", id: batchA[2], stream: "account-1") + ["--database-url", restoredURL])
        #expect(retry.status == 0, "\(retry.standardError)")
        #expect(retry.standardOutput.contains("at version 4"), "a retry of A's last event changes nothing: \(retry.standardOutput)")
        try await append("DepositedC", version: "4", to: restoredURL)
        let after = try await TenantryProcess.run(["events", "read", "account-1", "--tenant", tenant, "--json", "--database-url", restoredURL])
        #expect(after.lines.count == 5)
        let verifyAfter = try await TenantryProcess.run(["events", "verify", "--database-url", restoredURL])
        #expect(verifyAfter.status == 0, "\(verifyAfter.standardOutput)\(verifyAfter.standardError)")
    }

    private func appendArguments(_ type: String, version: String, id: UUID, stream: String) -> [String] {
        ["events", "append", stream, "--tenant", tenant, "--type", type, "--data", #"{"n":1}"#,
         "--expected-version", version, "--id", id.uuidString]
    }

    private func append(
        _ type: String, version: String, id: UUID = UUID(), stream: String = "account-1", to url: String
    ) async throws {
        let outcome = try await TenantryProcess.run(appendArguments(type, version: version, id: id, stream: stream) + ["--database-url", url])
        try #require(outcome.status == 0, "append \(type) to \(stream): \(outcome.standardError)")
    }
}
