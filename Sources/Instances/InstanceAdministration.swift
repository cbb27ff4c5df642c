import Crypto
import EventStore
import PostgresClient
public import Extensions
import FeatureFlags
public import Foundation
import Provisioning
import Schema

/// Every workflow of single-tenant instances: deploy, status, list, upgrade (rolled back when
/// the new release does not become ready), migrate, stop and destroy. The CLI's `instance`
/// commands are thin over it, and anything else (a route, a test) can run the same workflow.
///
/// Each change is recorded on the tenant's `instance-<id>` stream at the version its record was
/// loaded at, so two operators changing one instance at once cannot both record.
public struct InstanceAdministration: Sendable {
    public let platform: InstancePlatform
    public let catalog: CustomizationCatalog
    public let processes: any InstanceProcesses
    public var log: InstanceLog { InstanceLog(store: platform.operatorStore) }

    public init(platform: InstancePlatform, catalog: CustomizationCatalog, processes: any InstanceProcesses = LocalInstanceProcesses()) {
        self.platform = platform
        self.catalog = catalog
        self.processes = processes
    }

    /// What a deployment asks for.
    public struct Request: Sendable {
        public var tenant: String
        public var customization: String
        public var settings: [String: String]
        /// `local` (start the process here) or `kubernetes` (render only).
        public var target: String
        /// Nil: a free port for a local instance, 8080 in a cluster.
        public var port: Int?
        /// Nil: `Deploy/instances/<slug>` under the working directory.
        public var directory: URL?
        /// The release's `Deploy` folder with the templates.
        public var deployRoot: URL
        /// The release binary a local instance runs (a copy is kept beside its files).
        public var binary: URL
        public var actor: String

        public init(
            tenant: String, customization: String, settings: [String: String], target: String, port: Int? = nil, directory: URL? = nil,
            deployRoot: URL, binary: URL, actor: String
        ) {
            self.tenant = tenant
            self.customization = customization
            self.settings = settings
            self.target = target
            self.port = port
            self.directory = directory
            self.deployRoot = deployRoot
            self.binary = binary
            self.actor = actor
        }
    }

    /// What `deploy` did.
    public struct Deployment: Sendable {
        public let tenantID: UUID
        public let slug: String
        public let host: CustomizationHost
        /// The record after the deployment (and, locally, the start).
        public let record: InstanceRecord
        public let files: InstanceFiles
        public let environment: [String: String]
        /// The local process started; nil for a cluster deployment.
        public let started: InstanceEvent.Started?
    }

    /// Deploys the tenant's instance: 1. checks the customization's settings (throws before
    /// writing anything when one is invalid); 2. gives the tenant a database and a login of its
    /// own and applies the customization's flag defaults; 3. records InstanceDeployed; 4.
    /// renders the files; and for a local target 5. (re)starts the process and records
    /// InstanceStarted. Each step is reported to `progress`.
    public func deploy(_ request: Request, progress: @Sendable (String) -> Void = { _ in }) async throws -> Deployment {
        guard ["local", "kubernetes"].contains(request.target) else { throw InstanceError.invalidTarget(request.target) }
        let customization = try catalog.customization(named: request.customization)
        let host = try CustomizationHost(customization, settings: request.settings)
        progress("1/4 settings of \(host.id) \(host.version) are valid")

        let tenant = try await platform.tenant(request.tenant)
        let port = try request.port ?? (request.target == "local" ? FreePort.find() : 8080)
        let directory = request.directory ?? URL(fileURLWithPath: "Deploy/instances/\(tenant.slug)")
        let existing = try await log.record(of: tenant.id)
        let dedication = try await TenantDedication(platform: platform).dedicate(tenant.id, actor: request.actor) { progress("2/4 \($0)") }
        progress("2/4 \(tenant.slug) lives in database \(dedication.database) (\(dedication.fingerprint))")
        // A database dedicated by an older release gets this release's schema (the instance
        // logins' table and rules) before its login is granted anything there.
        try await migrateDedicated(dedication.database)
        let credentials = try await InstanceCredentials.provision(
            tenantID: tenant.id, database: dedication.database, controlPlane: platform.administrator)
        progress("2/4 the instance logs in as \(credentials.role): its own tenant only, no migrations")

        for flagDefault in host.flagDefaults {
            try await applyFlagDefault(flagDefault, tenant: tenant.id, host: host, progress: progress)
        }

        let deployed = InstanceEvent.Deployed(
            tenantId: tenant.id, slug: tenant.slug, customizationId: host.id.rawValue, customizationVersion: host.version,
            release: TenantryRelease.version, settings: Self.recorded(host), target: request.target,
            directory: directory.standardizedFileURL.path, port: port, database: dedication.database)
        var record = try await log.append(
            [.deployed(deployed)], after: existing, for: tenant.id, actor: request.actor, reason: "deploy \(host.id) \(host.version)")
        progress("3/4 recorded InstanceDeployed (\(host.id) \(host.version), release \(TenantryRelease.version), target \(request.target))")

        let environment = try environment(slug: tenant.slug, port: port, host: host, credentials: credentials)
        let files = InstanceFiles(directory: directory, deployRoot: request.deployRoot)
        let secretNames = Set(host.specifications.filter(\.isSecret).map { Self.settingVariable($0.name) } + [platform.databaseURLVariable])
        try files.render(
            slug: tenant.slug, customization: host.id.rawValue, release: TenantryRelease.version, environment: environment,
            migrationEnvironment: migrationEnvironment(slug: tenant.slug), secretNames: secretNames)
        progress("4/4 rendered \(files.directory.path): instance.env, migration.env, tenantry-instance@\(tenant.slug).service, tenantry-instance-migrate@\(tenant.slug).service, kubernetes/")
        guard request.target == "local" else {
            return Deployment(tenantID: tenant.id, slug: tenant.slug, host: host, record: record, files: files, environment: environment, started: nil)
        }

        if let running = record.process, processes.isRunning(processID: running.processId, slug: tenant.slug) {
            progress("5/5 stopping the running instance (pid \(running.processId)) to restart it with the new deployment")
            try await processes.stop(processID: running.processId, slug: tenant.slug)
        }
        progress("5/5 starting tenantry serve --instance \(tenant.slug) on port \(port)…")
        let started = try await processes.start(
            files: files, slug: tenant.slug, port: port, release: TenantryRelease.version, binary: request.binary, timeout: Self.startTimeout)
        record = try await log.append([.started(started)], after: record, for: tenant.id, actor: request.actor, reason: "local start")
        return Deployment(tenantID: tenant.id, slug: tenant.slug, host: host, record: record, files: files, environment: environment, started: started)
    }

    /// How long a newly deployed local instance may take to become ready.
    public static let startTimeout: Duration = .seconds(90)
    /// How long an upgraded release may take to become ready before it is rolled back.
    public static let upgradeTimeout: Duration = .seconds(30)

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

    /// An instance as `instance status` shows it.
    public struct Status: Sendable {
        public let record: InstanceRecord
        /// `running`, `exited`, `stopped`, …
        public let state: String
        /// `ready` or `not ready` for a running instance, `-` otherwise.
        public let health: String
        /// How many of the tenant's events each of the customization's reactions has still to
        /// handle.
        public let reactionLag: [String: Int]
        /// The port it serves (or was deployed to serve) on.
        public var port: Int { record.process?.port ?? record.deployment.port }
    }

    /// The instance's record, whether it runs and answers ready, and its reactions' lag.
    public func status(of tenant: String) async throws -> Status {
        let record = try await record(of: tenant)
        let state = state(of: record)
        let port = record.process?.port ?? record.deployment.port
        let health = state == "running" ? (await processes.isReady(port: port) ? "ready" : "not ready") : "-"
        var lags: [String: Int] = [:]
        if record.status != .destroyed, let customization = catalog.customization(CustomizationID(record.deployment.customizationId) ?? "x") {
            // Reading checkpoints needs the hooks, not the real settings: examples will do.
            let description = CustomizationDescription(customization)
            if !description.hooks.filter({ $0.hasPrefix("reacts") }).isEmpty,
                let host = try? CustomizationHost(
                    customization,
                    settings: Dictionary(uniqueKeysWithValues: customization.settings.map { ($0.name, $0.defaultValue ?? $0.kind.example) }))
            {
                lags = try await reactionLag(record, host: host)
            }
        }
        return Status(record: record, state: state, health: health, reactionLag: lags)
    }

    /// Upgrades the instance to `release` (run by `binary`): migrates its dedicated database
    /// first (the instance's own login may not), stops the running process, starts the new
    /// release and records InstanceUpgraded and InstanceStarted. When the new release does not
    /// become ready, the previous one is started again, InstanceUpgradeRolledBack and its start
    /// are recorded, and the failure is thrown.
    @discardableResult
    public func upgrade(
        _ tenant: String, to release: String, binary: URL, actor: String, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> InstanceRecord {
        let record = try await record(of: tenant)
        guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
        let slug = record.deployment.slug
        let tenantID = record.deployment.tenantId
        let files = InstanceFiles(directory: URL(fileURLWithPath: record.deployment.directory), deployRoot: URL(fileURLWithPath: "Deploy"))
        progress("1/3 migrating \(record.deployment.database) with this release's migrations")
        try await migrateDedicated(record.deployment.database)
        let port = record.process?.port ?? record.deployment.port
        if let process = record.process {
            progress("2/3 stopping release \(record.release) (pid \(process.processId))")
            try await processes.stop(processID: process.processId, slug: slug)
        }
        progress("3/3 starting release \(release) on port \(port)…")
        do {
            let started = try await processes.start(
                files: files, slug: slug, port: port, release: release, binary: binary, timeout: Self.upgradeTimeout)
            let upgraded = try await log.append(
                [.upgraded(.init(from: record.release, to: release)), .started(started)], after: record, for: tenantID,
                actor: actor, reason: "upgrade")
            progress("3/3 ready: release \(release), pid \(started.processId)")
            return upgraded
        } catch let failure as InstanceError {
            guard let previous = record.process else { throw failure }
            progress("3/3 \(failure); rolling back to release \(previous.release)")
            let restarted = try await processes.start(
                files: files, slug: slug, port: port, release: previous.release, binary: URL(fileURLWithPath: previous.binary),
                timeout: Self.startTimeout)
            try await log.append(
                [.upgradeRolledBack(.init(from: previous.release, to: release, reason: failure.description)), .started(restarted)],
                after: record, for: tenantID, actor: actor, reason: "upgrade rolled back")
            throw failure
        }
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

    /// What `destroy` did.
    public struct Destruction: Sendable {
        public let record: InstanceRecord
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
            platform.databaseURLVariable: try credentials.connectionString(replacingLoginOf: platform.administrator.connectionString),
        ]
        for (name, value) in host.settings.values { environment[Self.settingVariable(name)] = value }
        return environment
    }

    /// The migration step's environment (`tenantry instance migrate`): the deploying operator's
    /// database, as the platform was given it.
    private func migrationEnvironment(slug: String) -> [String: String] {
        platform.migrationEnvironment.merging(["TENANTRY_INSTANCE": slug]) { _, new in new }
    }

    private func applyFlagDefault(_ flagDefault: FlagDefault, tenant: UUID, host: CustomizationHost, progress: @Sendable (String) -> Void) async throws {
        let key = try FlagKey(flagDefault.flagKey)
        guard let flag = try await platform.flags.load(key) else {
            progress("2/4 flag default \(flagDefault.flagKey)=\(flagDefault.variant) skipped: no such flag")
            return
        }
        guard flag.overrides[tenant] == nil else { return }
        _ = try await platform.flags.setOverride(
            key, tenant: tenant, variant: flagDefault.variant,
            by: FlagService.Change(actor: "customization:\(host.id)", reason: "flag default of \(host.id) \(host.version)"))
        progress("2/4 flag default \(flagDefault.flagKey)=\(flagDefault.variant) set")
    }

    /// Applies this release's pending migrations to the tenant's dedicated database (the control
    /// plane's were applied when the runtime started). The database must exist.
    func migrateDedicated(_ database: String) async throws {
        try await DatabaseMigrator().migrate(platform.clusterAdministrator.with(database: database))
    }

    /// How far each of the customization's reactions is behind the tenant's events: the events
    /// after its checkpoint (nil when it never ran).
    func reactionLag(_ record: InstanceRecord, host: CustomizationHost) async throws -> [String: Int] {
        let pool = PostgresPool(
            configuration: platform.clusterAdministrator.with(database: record.deployment.database).acting(as: DatabaseRoles.operator),
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
