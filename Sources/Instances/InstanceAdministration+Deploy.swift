import PostgresClient
import Provisioning
import Tenancy
import Crypto
import FeatureFlags
public import Extensions
public import Foundation

extension InstanceAdministration {
    /// What a deployment asks for.
    public struct Request: Sendable {
        /// The tenant's slug or id.
        public var tenant: String
        /// The customization: `ID` (compiled into the release, else the highest version of the
        /// module installed) or `ID@VERSION`.
        public var customization: String
        /// The customization's settings by name; checked before anything is written.
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
        /// Who deploys, as recorded in the events' metadata.
        public var actor: String
        /// Keep the tenant's rows in the pooled database (hidden, closed to appends) instead of
        /// purging them once the copy is verified.
        public var keepsPooledCopy: Bool

        /// A request; `port` and `directory` nil take the defaults above.
        public init(
            tenant: String, customization: String, settings: [String: String], target: String, port: Int? = nil, directory: URL? = nil,
            deployRoot: URL, binary: URL, actor: String, keepsPooledCopy: Bool = false
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
            self.keepsPooledCopy = keepsPooledCopy
        }
    }

    /// What `deploy` did.
    public struct Deployment: Sendable {
        /// The tenant deployed.
        public let tenantID: UUID
        /// The tenant's slug.
        public let slug: String
        /// The customization with the settings it was deployed with.
        public let host: CustomizationHost
        /// The record after the deployment (and, locally, the start).
        public let record: InstanceRecord
        /// The files rendered.
        public let files: InstanceFiles
        /// The serving process's environment, as `instance.env` holds it (with the login's password).
        public let environment: [String: String]
        /// The local process started; nil for a cluster deployment.
        public let started: InstanceEvent.Started?
    }

    /// Deploys the tenant's instance: 1. resolves the customization (compiled in, or an
    /// installed WebAssembly module) and checks its settings (throws before writing anything when
    /// one is invalid); 2. gives the tenant a database and a login of its
    /// own and applies the customization's flag defaults; 3. records InstanceDeployed; 4.
    /// renders the files; and for a local target 5. (re)starts the process and records
    /// InstanceStarted. Each step is reported to `progress`.
    public func deploy(_ request: Request, progress: @Sendable (String) -> Void = { _ in }) async throws -> Deployment {
        guard ["local", "kubernetes"].contains(request.target) else { throw InstanceError.invalidTarget(request.target) }
        let definition = try await customizations.definition(request.customization)
        let host = try CustomizationHost(definition, settings: request.settings)
        let customization = InstanceCustomization(host)
        progress("1/4 settings of \(customization) are valid")

        let tenant = try await platform.tenant(request.tenant)
        let port = try request.port ?? (request.target == "local" ? FreePort.find() : 8080)
        let directory = request.directory ?? URL(fileURLWithPath: "Deploy/instances/\(tenant.slug)")
        let existing = try await log.record(of: tenant.id)
        let dedication = try await TenantDedication(platform: platform).dedicate(tenant.id, actor: request.actor) { progress("2/4 \($0)") }
        progress("2/4 \(tenant.slug) lives in database \(dedication.database) (\(dedication.fingerprint))")
        if !request.keepsPooledCopy, try await PooledCopyRetirement(pool: platform.operatorStore.pool).isRetired(tenant.id) {
            // The verified copy is recorded (the move retired the pooled one against it): no
            // copy of the tenant's data stays in the shared database. The move stands if the
            // purge cannot run; the rows stay hidden until `tenant purge`.
            do {
                let purged = try await PooledCopyPurge(administrator: platform.administrator)
                    .purge(tenant.id, actor: request.actor, reason: "moved to database \(dedication.database)")
                progress("2/4 pooled copy: \(purged)")
            } catch {
                progress("2/4 pooled copy not purged: \(error); it stays hidden: run tenantry tenant purge \(tenant.slug)")
            }
        }
        // A database dedicated by an older release gets this release's schema (the instance
        // logins' table and rules) before its login is granted anything there.
        try await migrateDedicated(dedication.database)
        let credentials = try await InstanceCredentials.provision(
            tenantID: tenant.id, database: dedication.database, controlPlane: platform.administrator)
        progress("2/4 the instance logs in as \(credentials.role): its own tenant only, no migrations")

        for flagDefault in host.flagDefaults {
            try await applyFlagDefault(flagDefault, tenant: tenant.id, host: host) { progress("2/4 \($0)") }
        }

        let deployed = InstanceEvent.Deployed(
            tenantId: tenant.id, slug: tenant.slug, customizationId: host.id.rawValue, customizationVersion: host.version,
            customizationModule: customization.module, release: TenantryRelease.version, settings: Self.recorded(host), target: request.target,
            directory: directory.standardizedFileURL.path, port: port, database: dedication.database)
        var record = try await log.append(
            [.deployed(deployed)], after: existing, for: tenant.id, actor: request.actor, reason: "deploy \(host.id) \(host.version)")
        progress("3/4 recorded InstanceDeployed (\(customization), release \(TenantryRelease.version), target \(request.target))")

        let environment = try environment(slug: tenant.slug, port: port, host: host, credentials: credentials)
        let files = InstanceFiles(directory: directory, deployRoot: request.deployRoot)
        let secretNames = secretNames(host)
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

    /// The recorded settings: secrets as `sha256:<hex>`, so the event never holds them.
    static func recorded(_ host: CustomizationHost) -> [String: String] {
        var recorded = host.settings.values
        for specification in host.specifications where specification.isSecret {
            if let value = recorded[specification.name] {
                recorded[specification.name] = "sha256:" + SHA256.hash(data: Data(value.utf8)).hexadecimal
            }
        }
        return recorded
    }

    /// The serving process's environment: the instance's own login to the platform's database
    /// (the operator's URL with the login replaced), never the operator's or a migration one.
    private func environment(slug: String, port: Int, host: CustomizationHost, credentials: InstanceCredentials) throws -> [String: String] {
        let environment = [
            "TENANTRY_INSTANCE": slug,
            "TENANTRY_HOST": "127.0.0.1",
            "TENANTRY_PORT": String(port),
            platform.databaseURLVariable: try credentials.connectionString(replacingLoginOf: platform.administrator.connectionString),
        ]
        return Self.environment(environment, running: host)
    }

    /// `environment` with the customization's variables (`TENANTRY_SETTING_<NAME>` and
    /// `TENANTRY_CUSTOMIZATION_MODULE`) replaced by those of `host`; `previous` names the
    /// settings of the customization they replace.
    static func environment(_ environment: [String: String], running host: CustomizationHost, previous: some Sequence<String> = []) -> [String: String] {
        var environment = environment
        for name in previous { environment[settingVariable(name)] = nil }
        for (name, value) in host.settings.values { environment[settingVariable(name)] = value }
        environment[customizationModuleVariable] = InstanceCustomization(host).module
        return environment
    }

    /// The variables that go to the Kubernetes Secret rather than the ConfigMap: the database
    /// URL and the customization's secret settings.
    func secretNames(_ host: CustomizationHost) -> Set<String> {
        Set(host.specifications.filter(\.isSecret).map { Self.settingVariable($0.name) } + [platform.databaseURLVariable])
    }

    /// The migration step's environment (`tenantry instance migrate`): the deploying operator's
    /// database, as the platform was given it.
    func migrationEnvironment(slug: String) -> [String: String] {
        platform.migrationEnvironment.merging(["TENANTRY_INSTANCE": slug]) { _, new in new }
    }

    /// Sets the tenant's override of a flag the customization defaults, unless the tenant has
    /// one already (an override is never written over) or the flag does not exist.
    func applyFlagDefault(_ flagDefault: FlagDefault, tenant: UUID, host: CustomizationHost, progress: (String) -> Void) async throws {
        let key = try FlagKey(flagDefault.flagKey)
        guard let flag = try await platform.flags.load(key) else {
            progress("flag default \(flagDefault.flagKey)=\(flagDefault.variant) skipped: no such flag")
            return
        }
        guard flag.overrides[tenant] == nil else { return }
        _ = try await platform.flags.setOverride(
            key, tenant: tenant, variant: flagDefault.variant,
            by: FlagService.Change(actor: "customization:\(host.id)", reason: "flag default of \(host.id) \(host.version)"))
        progress("flag default \(flagDefault.flagKey)=\(flagDefault.variant) set")
    }
}
