import Crypto
import EventStore
import PostgresClient
public import Extensions
import FeatureFlags
public import Foundation
import Provisioning

/// The control-plane side of single-tenant instances, shared by the CLI (and any future API):
/// check a deployment's settings, move the tenant to its own database, apply the
/// customization's flag defaults, record the deployment and render its files. Starting and
/// stopping a local process is the caller's (it owns processes).
public struct InstanceAdministration: Sendable {
    public let runtime: TenantryRuntime
    public let catalog: CustomizationCatalog
    public var log: InstanceLog { InstanceLog(store: runtime.operatorEventStore) }

    public init(runtime: TenantryRuntime, catalog: CustomizationCatalog) {
        self.runtime = runtime
        self.catalog = catalog
    }

    /// What a deployment asks for.
    public struct Request: Sendable {
        public var tenant: String
        public var customization: String
        public var settings: [String: String]
        public var target: String
        public var port: Int
        public var directory: URL
        public var deployRoot: URL
        public var actor: String

        public init(tenant: String, customization: String, settings: [String: String], target: String, port: Int, directory: URL, deployRoot: URL, actor: String) {
            self.tenant = tenant
            self.customization = customization
            self.settings = settings
            self.target = target
            self.port = port
            self.directory = directory
            self.deployRoot = deployRoot
            self.actor = actor
        }
    }

    /// What `deploy` did.
    public struct Deployment: Sendable {
        public let tenantID: UUID
        public let slug: String
        public let host: CustomizationHost
        public let record: InstanceRecord
        public let files: InstanceFiles
        public let environment: [String: String]
    }

    /// Steps 1–4 of a deployment, each reported to `progress`; throws before writing anything
    /// when the settings are invalid.
    public func deploy(_ request: Request, progress: @Sendable (String) -> Void) async throws -> Deployment {
        guard ["local", "kubernetes"].contains(request.target) else { throw InstanceError.invalidTarget(request.target) }
        let customization = try catalog.customization(named: request.customization)
        let host = try CustomizationHost(customization, settings: request.settings)
        progress("1/4 settings of \(host.id) \(host.version) are valid")

        let tenantID = try await runtime.tenants.resolve(request.tenant)
        guard let tenant = try await runtime.tenants.lifecycle.load(tenantID) else {
            throw TenantLifecycleError.notFound(request.tenant)
        }
        let existing = try await log.record(of: tenantID)
        let dedication = try await TenantDedication(administration: runtime.tenants, pooledStore: runtime.eventStore)
            .dedicate(tenantID, actor: request.actor) { progress("2/4 \($0)") }
        progress("2/4 \(tenant.slug) lives in database \(dedication.database) (\(dedication.fingerprint))")
        // A database dedicated by an older release gets this release's schema (the instance
        // logins' table and rules) before its login is granted anything there.
        try await migrateDedicated(dedication.database)
        let credentials = try await InstanceCredentials.provision(
            tenantID: tenantID, database: dedication.database, controlPlane: runtime.target.administratorConfiguration)
        progress("2/4 the instance logs in as \(credentials.role): its own tenant only, no migrations")

        for flagDefault in host.flagDefaults {
            try await applyFlagDefault(flagDefault, tenant: tenantID, host: host, progress: progress)
        }

        let deployed = InstanceEvent.Deployed(
            tenantId: tenantID, slug: tenant.slug, customizationId: host.id.rawValue, customizationVersion: host.version,
            release: TenantryRelease.version, settings: Self.recorded(host), target: request.target,
            directory: request.directory.standardizedFileURL.path, port: request.port, database: dedication.database)
        guard let record = try await log.append(
            .deployed(deployed), for: tenantID, expectedVersion: existing?.version ?? 0, actor: request.actor,
            reason: "deploy \(host.id) \(host.version)")
        else { throw InstanceError.notDeployed(tenant.slug) }
        progress("3/4 recorded InstanceDeployed (\(host.id) \(host.version), release \(TenantryRelease.version), target \(request.target))")

        let environment = try environment(slug: tenant.slug, port: request.port, host: host, credentials: credentials)
        let files = InstanceFiles(directory: request.directory, deployRoot: request.deployRoot)
        let secretNames = Set(host.specifications.filter(\.isSecret).map { Self.settingVariable($0.name) } + [DatabaseTarget.urlVariable])
        try files.render(
            slug: tenant.slug, customization: host.id.rawValue, release: TenantryRelease.version, environment: environment,
            migrationEnvironment: migrationEnvironment(slug: tenant.slug), secretNames: secretNames)
        progress("4/4 rendered \(files.directory.path): instance.env, migration.env, tenantry-instance@\(tenant.slug).service, tenantry-instance-migrate@\(tenant.slug).service, kubernetes/")
        return Deployment(tenantID: tenantID, slug: tenant.slug, host: host, record: record, files: files, environment: environment)
    }

    /// `TENANTRY_SETTING_<NAME>`: the name upper-cased, `-` as `_`.
    public static func settingVariable(_ name: String) -> String {
        "TENANTRY_SETTING_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The settings of the customization as the process environment gives them.
    public static func settings(from environment: [String: String], for customization: any Customization.Type) -> [String: String] {
        var settings: [String: String] = [:]
        for specification in customization.settings {
            if let value = environment[settingVariable(specification.name)] { settings[specification.name] = value }
        }
        return settings
    }

    /// The recorded settings: secrets as `sha256:<hex>`, so the event never holds them.
    static func recorded(_ host: CustomizationHost) -> [String: String] {
        var recorded = host.settings.values
        for specification in host.specifications where specification.isSecret {
            if let value = recorded[specification.name] {
                recorded[specification.name] = "sha256:" + SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
            }
        }
        return recorded
    }

    /// The serving process's environment: the instance's own login to the platform's database
    /// (the operator's URL with the login replaced), never the operator's or a migration one.
    private func environment(slug: String, port: Int, host: CustomizationHost, credentials: InstanceCredentials) throws -> [String: String] {
        var environment = [
            "TENANTRY_INSTANCE": slug,
            "TENANTRY_HOST": "127.0.0.1",
            "TENANTRY_PORT": String(port),
            DatabaseTarget.urlVariable: try credentials.connectionString(replacingLoginOf: runtime.target.administratorConfiguration.connectionString),
        ]
        for (name, value) in host.settings.values { environment[Self.settingVariable(name)] = value }
        return environment
    }

    /// The migration step's environment (`tenantry instance migrate`): the deploying operator's
    /// database, as this command was given it.
    private func migrationEnvironment(slug: String) -> [String: String] {
        var environment = ["TENANTRY_INSTANCE": slug]
        switch runtime.target {
        case .external(let url): environment[DatabaseTarget.urlVariable] = url
        case .embedded: environment[DatabaseTarget.homeVariable] = ProcessInfo.processInfo.environment[DatabaseTarget.homeVariable]
            ?? FileManager.default.currentDirectoryPath + "/.tenantry"
        }
        return environment
    }

    private func applyFlagDefault(_ flagDefault: FlagDefault, tenant: UUID, host: CustomizationHost, progress: @Sendable (String) -> Void) async throws {
        let key = try FlagKey(flagDefault.flagKey)
        guard let flag = try await runtime.flags.load(key) else {
            progress("2/4 flag default \(flagDefault.flagKey)=\(flagDefault.variant) skipped: no such flag")
            return
        }
        guard flag.overrides[tenant] == nil else { return }
        _ = try await runtime.flags.setOverride(
            key, tenant: tenant, variant: flagDefault.variant,
            by: FlagService.Change(actor: "customization:\(host.id)", reason: "flag default of \(host.id) \(host.version)"))
        progress("2/4 flag default \(flagDefault.flagKey)=\(flagDefault.variant) set")
    }

    /// Applies this release's pending migrations to the tenant's dedicated database (the control
    /// plane's were applied when the runtime started). The database must exist.
    public func migrateDedicated(_ database: String) async throws {
        _ = try await DatabaseMigrator().migrate(runtime.tenants.clusterAdministrator.with(database: database))
    }

    /// Drops the instance's own database login (`instance destroy`).
    public func revokeCredentials(_ record: InstanceRecord) async throws {
        try await InstanceCredentials.revoke(database: record.deployment.database, controlPlane: runtime.target.administratorConfiguration)
    }

    /// How far each of the customization's reactions is behind the tenant's events: the events
    /// after its checkpoint (nil when it never ran).
    public func reactionLag(_ record: InstanceRecord, host: CustomizationHost) async throws -> [String: Int] {
        let pool = PostgresPool(
            configuration: runtime.tenants.clusterAdministrator.with(database: record.deployment.database).acting(as: DatabaseRoles.operator),
            maximumConnections: 1)
        defer { Task { await pool.close() } }
        let store = EventLog(pool: pool)
        var lags: [String: Int] = [:]
        for reaction in host.reactions {
            let runner = ReactionRunner(host: host, reaction: reaction, store: store, tenantID: record.deployment.tenantId)
            let checkpoint = try await runner.checkpoint() ?? .start
            let behind = try await store.readPage(after: checkpoint, filter: EventFilter(tenantID: record.deployment.tenantId), limit: 10_000)
            lags[reaction.name] = behind.events.filter { reaction.selection.matches($0) }.count
        }
        return lags
    }
}
