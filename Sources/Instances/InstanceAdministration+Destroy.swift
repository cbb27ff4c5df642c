import Provisioning
import Foundation

extension InstanceAdministration {
    /// What `destroy` did.
    public struct Destruction: Sendable {
        /// The record after InstanceDestroyed.
        public let record: InstanceRecord
        /// How many events were exported.
        public let exportedEvents: Int
    }

    /// Stops the process, exports the tenant's events to `exportPath` (which must lie outside
    /// the instance's files) and offboards it (dropping its dedicated database), drops the
    /// instance's login, removes its files and records InstanceDestroyed. The export is written
    /// first: nothing is removed when it fails.
    public func destroy(
        _ tenant: String, exportTo exportPath: String, actor: String, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> Destruction {
        let record = try await record(of: tenant)
        guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
        let export = URL(fileURLWithPath: exportPath).standardizedFileURL.path
        guard !export.hasPrefix(URL(fileURLWithPath: record.deployment.directory).standardizedFileURL.path + "/") else {
            throw InstanceError.exportInsideFiles(export: exportPath, directory: record.deployment.directory)
        }
        if let process = record.process {
            progress("stopping the instance (pid \(process.processId))")
            try await processes.stop(processID: process.processId, slug: record.deployment.slug)
        }
        let tenantID = record.deployment.tenantId
        let (_, exported) = try await platform.offboarding.offboard(tenantID, exportTo: exportPath, actor: actor, reason: "instance destroyed")
        progress("exported \(exported) events to \(exportPath); the tenant is offboarded and its database dropped")
        try await InstanceCredentials.revoke(database: record.deployment.database, controlPlane: platform.administrator)
        progress("dropped the instance's database login")
        try? FileManager.default.removeItem(atPath: record.deployment.directory)
        let destroyed = try await log.append(
            [.destroyed(.init(exportFile: export, exportedEvents: exported))], after: record, for: tenantID, actor: actor, reason: "destroy")
        return Destruction(record: destroyed, exportedEvents: exported)
    }
}
