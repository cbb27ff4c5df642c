import Crypto
import EventStore
import PostgresClient
public import Extensions
import FeatureFlags
import Foundation
import Provisioning
import Schema

/// Every workflow of single-tenant instances: deploy, status, list, upgrade of the release or of
/// the customization (each rolled back when the new one does not become ready), migrate, stop
/// and destroy. The CLI's `instance`
/// commands are thin over it, and anything else (a route, a test) can run the same workflow.
///
/// Each change is recorded on the tenant's `instance-<id>` stream at the version its record was
/// loaded at, so two operators changing one instance at once cannot both record.
public struct InstanceAdministration: Sendable {
    /// The platform's databases, stores and services the workflows act on.
    public let platform: InstancePlatform
    /// The customizations deployments can name: compiled into the release, or installed modules.
    public let customizations: any CustomizationResolver
    /// How local instance processes are started and stopped (a fake in tests).
    public let processes: any InstanceProcesses
    /// The instances' records, read and appended at the version they were read at.
    public var log: InstanceLog { InstanceLog(store: platform.operatorStore) }

    /// The workflows on `platform`; local processes are real ones unless `processes` says otherwise.
    public init(
        platform: InstancePlatform, customizations: any CustomizationResolver, processes: any InstanceProcesses = LocalInstanceProcesses()
    ) {
        self.platform = platform
        self.customizations = customizations
        self.processes = processes
    }

    /// The tenant's instance as recorded; throws when it has none.
    public func record(of tenant: String) async throws -> InstanceRecord {
        let state = try await platform.tenant(tenant)
        guard let record = try await log.record(of: state.id) else { throw InstanceError.notDeployed(tenant) }
        return record
    }

    /// Every instance, by tenant slug.
    public func list() async throws -> [InstanceRecord] {
        try await log.all().values.sorted { $0.deployment.slug < $1.deployment.slug }
    }

    /// The state to show for `record`: the recorded one, except that a "running" local
    /// process that is gone is `exited`.
    public func state(of record: InstanceRecord) -> String {
        if record.status == .running, let process = record.process,
            !processes.isRunning(processID: process.processId, slug: record.deployment.slug)
        {
            return "exited"
        }
        return record.status.rawValue
    }

    /// Stops the running local instance gracefully and records InstanceStopped.
    @discardableResult
    public func stop(_ tenant: String, actor: String) async throws -> InstanceRecord {
        let record = try await record(of: tenant)
        guard record.status == .running, let process = record.process else { throw InstanceError.notRunning(record.deployment.slug) }
        try await processes.stop(processID: process.processId, slug: record.deployment.slug)
        return try await log.append(
            [.stopped(.init(processId: process.processId))], after: record, for: record.deployment.tenantId, actor: actor, reason: "stop")
    }

    /// Applies this release's migrations to the instance's dedicated database (`instance
    /// migrate`); returns the database's name.
    @discardableResult
    public func migrate(_ tenant: String) async throws -> String {
        let record = try await record(of: tenant)
        guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
        try await migrateDedicated(record.deployment.database)
        return record.deployment.database
    }

    /// `TENANTRY_SETTING_<NAME>`: the name upper-cased, `-` as `_`.
    public static func settingVariable(_ name: String) -> String {
        "TENANTRY_SETTING_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// `TENANTRY_CUSTOMIZATION_MODULE`: `sha256:<hex>` of the WebAssembly module an instance
    /// runs, in its `instance.env` (absent for compiled code), so operators see what runs; the
    /// instance refuses to start when it is not the module its record names.
    public static let customizationModuleVariable = "TENANTRY_CUSTOMIZATION_MODULE"

    /// The settings of the customization as the process environment gives them.
    public static func settings(from environment: [String: String], for definition: CustomizationDefinition) -> [String: String] {
        var settings: [String: String] = [:]
        for specification in definition.settings {
            if let value = environment[settingVariable(specification.name)] { settings[specification.name] = value }
        }
        return settings
    }

    /// Applies this release's pending migrations to the tenant's dedicated database (the control
    /// plane's were applied when the runtime started). The database must exist.
    func migrateDedicated(_ database: String) async throws {
        try await DatabaseMigrator().migrate(platform.clusterAdministrator.with(database: database))
    }
}
