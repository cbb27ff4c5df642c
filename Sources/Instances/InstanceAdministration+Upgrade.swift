import PostgresClient
public import Foundation

extension InstanceAdministration {
    /// How long an upgraded release may take to become ready before it is rolled back.
    public static let upgradeTimeout: Duration = .seconds(30)

    /// Upgrades the instance to `release` (run by `binary`): migrates its dedicated database
    /// first (the instance's own login may not), stops the running process, starts the new
    /// release and records InstanceUpgraded and InstanceStarted. When the new release does not
    /// become ready, the previous one is started again, InstanceUpgradeRolledBack and its start
    /// are recorded, and the failure is thrown: any failure once the previous release was
    /// stopped (not only one of readiness) rolls back. `deployRoot` is the release's `Deploy`
    /// folder with the templates, as `deploy` takes it.
    @discardableResult
    public func upgrade(
        _ tenant: String, to release: String, binary: URL, deployRoot: URL, actor: String, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> InstanceRecord {
        let record = try await record(of: tenant)
        guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
        let slug = record.deployment.slug
        let tenantID = record.deployment.tenantId
        let files = InstanceFiles(directory: URL(fileURLWithPath: record.deployment.directory), deployRoot: deployRoot)
        progress("1/3 migrating \(record.deployment.database) with this release's migrations")
        try await migrateDedicated(record.deployment.database)
        let port = record.process?.port ?? record.deployment.port
        if let process = record.process {
            progress("2/3 stopping release \(record.release) (pid \(process.processId))")
            try await processes.stop(processID: process.processId, slug: slug)
        }
        progress("3/3 starting release \(release) on port \(port)…")
        var startedRelease: InstanceEvent.Started?
        do {
            let started = try await processes.start(
                files: files, slug: slug, port: port, release: release, binary: binary, timeout: Self.upgradeTimeout)
            startedRelease = started
            let upgraded = try await log.append(
                [.upgraded(.init(from: record.release, to: release)), .started(started)], after: record, for: tenantID,
                actor: actor, reason: "upgrade")
            progress("3/3 ready: release \(release), pid \(started.processId)")
            return upgraded
        } catch {
            guard let previous = record.process else { throw error }
            progress("3/3 \(error); rolling back to release \(previous.release)")
            // The new release started but its start could not be recorded: it must not stay.
            if let startedRelease { try await processes.stop(processID: startedRelease.processId, slug: slug) }
            let restarted = try await processes.start(
                files: files, slug: slug, port: port, release: previous.release, binary: URL(fileURLWithPath: previous.binary),
                timeout: Self.startTimeout)
            try await log.append(
                [.upgradeRolledBack(.init(from: previous.release, to: release, reason: String(describing: error))), .started(restarted)],
                after: record, for: tenantID, actor: actor, reason: "upgrade rolled back")
            throw error
        }
    }
}
