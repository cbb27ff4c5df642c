import Customizations
import EventStore
import Foundation
import Instances
import PostgresClient
import Provisioning
import Synchronization
import Tenantry
import RuntimeTestSupport
import TestSupport
import Testing

/// Instance processes that start nothing: each "process" is a number in a table, a release
/// listed in `unready` never becomes ready, nor does an instance whose `instance.env` names a
/// module listed in `unreadyModules`, and a release listed in `crashing` fails to start with an
/// error that is no `InstanceError`. The workflows' events, versions, database moves and
/// files are real; only the serving processes are not.
final class SimulatedProcesses: InstanceProcesses {
    private struct State {
        var running: [Int32: (slug: String, port: Int, release: String)] = [:]
        var nextProcessID: Int32 = 4_000
        var starts: [String] = []
    }

    private let state = Mutex(State())
    private let unready: Set<String>
    private let crashing: Set<String>
    private let unreadyModules: Set<String>

    /// A start failure that is not an `InstanceError`.
    struct Crash: Error {}

    init(unready: Set<String> = [], crashing: Set<String> = [], unreadyModules: Set<String> = []) {
        self.unready = unready
        self.crashing = crashing
        self.unreadyModules = unreadyModules
    }

    /// The releases started, in order.
    var starts: [String] { state.withLock { $0.starts } }
    /// The releases running now.
    var runningReleases: [String] { state.withLock { $0.running.values.map(\.release).sorted() } }

    func start(files: InstanceFiles, slug: String, port: Int, release: String, binary: URL, timeout: Duration) async throws -> InstanceEvent.Started {
        let module = try files.readEnvironment()[InstanceAdministration.customizationModuleVariable]
        return try state.withLock { state in
            state.starts.append(release)
            guard !crashing.contains(release) else { throw Crash() }
            guard !unready.contains(release) else { throw InstanceError.notReady(slug: slug, detail: "release \(release) never answered /readyz") }
            if let module, unreadyModules.contains(module) {
                throw InstanceError.notReady(slug: slug, detail: "module \(module) never answered /readyz")
            }
            state.nextProcessID += 1
            state.running[state.nextProcessID] = (slug, port, release)
            return InstanceEvent.Started(processId: state.nextProcessID, port: port, release: release, binary: binary.path)
        }
    }

    func stop(processID: Int32, slug: String) async throws {
        _ = state.withLock { $0.running.removeValue(forKey: processID) }
    }

    func isRunning(processID: Int32, slug: String) -> Bool {
        state.withLock { $0.running[processID]?.slug == slug }
    }

    func isReady(port: Int) async -> Bool {
        state.withLock { $0.running.values.contains { $0.port == port } }
    }
}

@Suite("Instance workflows, without the CLI")
struct InstanceWorkflowTests {
    private func count(_ sql: String, _ configuration: PostgresConfiguration) async throws -> Int {
        try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.query(PostgresQuery(stringLiteral: sql)).rows.first?.decode(Int.self) ?? -1
        }
    }

    @Test("deploy → status → upgrade → an upgrade that never becomes ready is rolled back → stop → destroy, each recorded at the version its record was read at")
    func lifecycle() async throws {
        try await withTestRuntime { runtime, database in
            let tenant = try await runtime.tenants.create(
                SignupRequest(email: "ann@initech.example", organization: "Initech \(UUID().uuidString.prefix(6))", plan: .pro), actor: "test"
            ).tenant
            for n in 1...2 {
                try await runtime.eventStore.append(
                    [try NewEvent(type: "Noted", dataJSON: #"{"n":\#(n)}"#)], to: StreamName("doc-1"), tenant: tenant.id)
            }
            // One with a data subject's personal field: it moves sealed, with its key.
            try await runtime.eventStore.append(
                [try NewEvent(type: "Noted", dataJSON: #"{"n":3,"who":"Customer Three"}"#,
                              personalData: PersonalData(fields: ["who"], subject: "customer-3"))],
                to: StreamName("doc-1"), tenant: tenant.id)
            let processes = SimulatedProcesses(unready: ["9.9.9-broken"], crashing: ["9.9.10-crashing"])
            let instances = runtime.instances(customizations: runtime.customizations(catalog: ReleaseCustomizations.catalog), processes: processes)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("instances-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: scratch) }
            let files = scratch.appendingPathComponent("files")
            let deployRoot = TestCluster.packageRoot.appendingPathComponent("Deploy")
            let request = InstanceAdministration.Request(
                tenant: tenant.slug, customization: "corporate-email", settings: ["domain": "initech.example"], target: "local",
                directory: files, deployRoot: deployRoot, binary: URL(fileURLWithPath: "/bin/true"), actor: "operator:test")

            // A setting the customization refuses stops the deploy before anything is written.
            var refused = request
            refused.settings = ["domain": "initech"]
            await #expect(throws: (any Error).self) { try await instances.deploy(refused) }
            #expect(try await instances.log.record(of: tenant.id) == nil)

            let deployment = try await instances.deploy(request)
            #expect(deployment.record.status == .running)
            #expect(deployment.record.version == 2, "InstanceDeployed, InstanceStarted")
            #expect(deployment.started?.release == TenantryRelease.version)
            #expect(deployment.record.deployment.customizationModule == nil, "compiled code has no module")
            #expect(deployment.record.customization == InstanceCustomization(id: "corporate-email", version: "1.0.0", module: nil))
            let databaseName = deployment.record.deployment.database
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'doc-1'",
                                    database.administratorConfiguration.with(database: databaseName)) == 3, "the tenant's events moved")
            // And none stayed behind: the superuser, whom no row security hides anything from,
            // reads no row of the tenant in the pool; the purge is recorded with what it deleted.
            let tenantID = tenant.id.uuidString.lowercased()
            for table in ["events", "streams", "snapshots"] {
                #expect(try await count("SELECT count(*) FROM tenantry.\(table) WHERE tenant_id = '\(tenantID)'",
                                        database.administratorConfiguration) == 0, "pooled \(table) of the moved tenant")
            }
            #expect(try await count("SELECT count(*) FROM tenantry.personal_data_keys WHERE tenant_id = '\(tenantID)' AND subject IS NOT NULL",
                                    database.administratorConfiguration) == 0, "its data subjects' keys left with its rows")
            let purges = try await runtime.operatorEventStore.readStream(
                try StreamName(category: "tenant", id: tenantID), tenant: EventLog.controlPlaneTenantID)
                .filter { $0.type == "TenantPooledEventsPurged" }
            #expect(purges.count == 1)
            if case .pooledEventsPurged(let purged)? = try purges.first.flatMap(TenantEvent.init) {
                #expect(purged.events == 3 && purged.streams == 1 && purged.basis == .moved)
                #expect(purges.first?.metadata.actor == "operator:test")
            } else {
                Issue.record("no TenantPooledEventsPurged: \(purges.map(\.type))")
            }
            // The sealed field opens in the tenant's own database, and forgetting reaches it there.
            let moved = try await runtime.tenants.router.eventStore(for: tenant.id)
            let third = try await moved.readStream("doc-1", tenant: tenant.id).last
            #expect(third?.dataJSON.contains("Customer Three") == true && third?.personalData?.subject == "customer-3")
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE data::text LIKE '%Customer Three%'",
                                    database.administratorConfiguration.with(database: databaseName)) == 0, "stored sealed")
            let forgotten = try await runtime.tenants.forget(tenant.slug, subject: "customer-3", actor: "operator:test", reason: "end user request 3")
            #expect(forgotten.keys == 1, "the key in the tenant's database; the purge deleted the shared database's copy")
            #expect(try await moved.readStream("doc-1", tenant: tenant.id).last?.erasedFields == ["who"])
            #expect(try await count("SELECT count(*) FROM tenantry.personal_data_keys WHERE material IS NOT NULL AND subject = 'customer-3'",
                                    database.administratorConfiguration.with(database: databaseName)) == 0)
            #expect(FileManager.default.fileExists(atPath: deployment.files.environmentFile.path))
            let environment = try deployment.files.readEnvironment()
            #expect(environment["TENANTRY_SETTING_DOMAIN"] == "initech.example")
            #expect(environment[InstanceAdministration.customizationModuleVariable] == nil)
            let login = try #require(InstanceCredentials.role(forDatabase: databaseName))
            #expect(environment["TENANTRY_DATABASE_URL"]?.contains(login) == true, "the instance logs in as its own role")

            let status = try await instances.status(of: tenant.slug)
            #expect(status.state == "running")
            #expect(status.health == "ready")
            #expect(status.record.release == TenantryRelease.version)

            let upgraded = try await instances.upgrade(tenant.slug, to: "0.7.0", binary: URL(fileURLWithPath: "/bin/true"), deployRoot: deployRoot, actor: "operator:test")
            #expect(upgraded.release == "0.7.0")
            #expect(upgraded.status == .running)
            #expect(upgraded.version == 4, "InstanceUpgraded and InstanceStarted in one append")
            #expect(processes.runningReleases == ["0.7.0"], "the old release was stopped")

            await #expect(throws: InstanceError.self) {
                try await instances.upgrade(tenant.slug, to: "9.9.9-broken", binary: URL(fileURLWithPath: "/bin/false"), deployRoot: deployRoot, actor: "operator:test")
            }
            // Any failure once the old release was stopped rolls back, not only an InstanceError.
            await #expect(throws: SimulatedProcesses.Crash.self) {
                try await instances.upgrade(
                    tenant.slug, to: "9.9.10-crashing", binary: URL(fileURLWithPath: "/bin/false"), deployRoot: deployRoot, actor: "operator:test")
            }
            let rolledBack = try await instances.record(of: tenant.slug)
            #expect(rolledBack.release == "0.7.0")
            #expect(rolledBack.status == .running)
            #expect(processes.starts == [TenantryRelease.version, "0.7.0", "9.9.9-broken", "0.7.0", "9.9.10-crashing", "0.7.0"])
            #expect(processes.runningReleases == ["0.7.0"])
            let stream = try await runtime.operatorEventStore.readStream(
                try StreamName(category: "instance", id: tenant.id.uuidString.lowercased()), tenant: EventLog.controlPlaneTenantID)
            #expect(stream.map(\.type) == [
                "InstanceDeployed", "InstanceStarted", "InstanceUpgraded", "InstanceStarted", "InstanceUpgradeRolledBack", "InstanceStarted",
                "InstanceUpgradeRolledBack", "InstanceStarted",
            ])

            // A record read before the last change is stale: appending after it is refused.
            await #expect(throws: EventStoreError.self) {
                try await instances.log.append([.stopped(.init(processId: 1))], after: upgraded, for: tenant.id, actor: "operator:test", reason: nil)
            }

            let stopped = try await instances.stop(tenant.slug, actor: "operator:test")
            #expect(stopped.status == .stopped)
            #expect(processes.runningReleases.isEmpty)
            await #expect(throws: InstanceError.self) { try await instances.stop(tenant.slug, actor: "operator:test") }

            await #expect(throws: InstanceError.self, "an export inside the files destroy removes is refused") {
                try await instances.destroy(tenant.slug, exportTo: files.appendingPathComponent("export.jsonl").path, actor: "operator:test")
            }
            let export = scratch.appendingPathComponent("export.jsonl").path
            let destroyed = try await instances.destroy(tenant.slug, exportTo: export, actor: "operator:test")
            #expect(destroyed.record.status == .destroyed)
            #expect(destroyed.exportedEvents >= 3)
            let exported = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n")
            #expect(exported.filter { $0.contains(#""stream":"doc-1""#) }.count == 3)
            #expect(!FileManager.default.fileExists(atPath: files.path))
            #expect(try await count("SELECT count(*) FROM pg_database WHERE datname = '\(databaseName)'", database.administratorConfiguration) == 0)
            #expect(try await count("SELECT count(*) FROM pg_roles WHERE rolname = '\(login)'", database.administratorConfiguration) == 0)
            #expect(try await instances.list().map(\.status) == [.destroyed])
        }
    }
}
