import Customizations
import EventStore
import Extensions
import FeatureFlags
import Foundation
import Instances
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing
import WasmCustomizations

/// Instances that run WebAssembly customizations: deployed and switched by id and version, the
/// module's sha256 recorded and rendered, checked again at start-up, with the rollback of a
/// release upgrade. Processes are `SimulatedProcesses`; modules, events, files and databases are
/// real.
@Suite("Instances running WebAssembly customizations")
struct ModuleInstanceTests {
    /// What each test works with: a runtime, the customizations (the release's and the modules
    /// installed), the instance workflows, and the installed versions of `acme-rules`.
    private struct Harness {
        let runtime: TenantryRuntime
        let directory: CustomizationDirectory
        let instances: InstanceAdministration
        let processes: SimulatedProcesses
        let scratch: URL
        /// sha256 (hex) of each installed version of `acme-rules`, by version.
        let sha256: [String: String]

        var deployRoot: URL { TestCluster.packageRoot.appendingPathComponent("Deploy") }

        func files(_ slug: String) -> InstanceFiles {
            InstanceFiles(directory: scratch.appendingPathComponent(slug), deployRoot: deployRoot)
        }

        func tenant(_ name: String) async throws -> TenantState {
            try await runtime.tenants.create(
                SignupRequest(email: "it@\(name.lowercased()).example", organization: "\(name) \(UUID().uuidString.prefix(6))", plan: .pro),
                actor: "test"
            ).tenant
        }

        func deploy(_ tenant: TenantState, _ customization: String, settings: [String: String], target: String = "local") async throws
            -> InstanceAdministration.Deployment
        {
            try await instances.deploy(
                .init(
                    tenant: tenant.slug, customization: customization, settings: settings, target: target,
                    directory: files(tenant.slug).directory, deployRoot: deployRoot, binary: URL(fileURLWithPath: "/bin/true"),
                    actor: "operator:test"))
        }

        func change(_ tenant: TenantState, to customization: String, settings: [String: String] = [:], unset: Set<String> = [])
            async throws -> InstanceRecord
        {
            try await instances.changeCustomization(
                .init(
                    tenant: tenant.slug, customization: customization, settings: settings, unset: unset, deployRoot: deployRoot,
                    binary: URL(fileURLWithPath: "/bin/true"), actor: "operator:test"))
        }

        func types(_ tenant: TenantState) async throws -> [String] {
            try await runtime.operatorEventStore.readStream(
                try StreamName(category: "instance", id: tenant.id.uuidString.lowercased()), tenant: EventLog.controlPlaneTenantID
            ).map(\.type)
        }
    }

    /// `acme-rules` 1.0.0 (takes `region`, defaults flag `wasm-beta` and `wasm-gamma` to `on`),
    /// 2.0.0 (takes `region` and requires `tier`) and 3.0.0 (takes only `tier`), installed on a
    /// fresh runtime.
    private func withHarness(unreadyModules: Set<String> = [], _ body: (Harness) async throws -> Void) async throws {
        let v1 = try InstanceModules.validator(
            id: "acme-rules", version: "1.0.0", settings: "[\(InstanceModules.required("region"))]",
            flagDefaults: [("wasm-beta", "on"), ("wasm-gamma", "on")])
        let v2 = try InstanceModules.validator(
            id: "acme-rules", version: "2.0.0", settings: "[\(InstanceModules.required("region")),\(InstanceModules.required("tier"))]")
        let v3 = try InstanceModules.validator(id: "acme-rules", version: "3.0.0", settings: "[\(InstanceModules.required("tier"))]")
        try await withTestRuntime { runtime, _ in
            let directory = runtime.customizations(catalog: ReleaseCustomizations.catalog)
            var sha256: [String: String] = [:]
            for bytes in [v1, v2, v3] {
                let installed = try await directory.install(bytes, actor: "operator:test", reason: "test")
                sha256[installed.module.manifest.version] = installed.module.sha256
            }
            // The harness is told which modules never become ready by version.
            let processes = SimulatedProcesses(unreadyModules: Set(unreadyModules.compactMap { sha256[$0].map { "sha256:" + $0 } }))
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("modules-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: scratch) }
            try await body(
                Harness(
                    runtime: runtime, directory: directory, instances: runtime.instances(customizations: directory, processes: processes),
                    processes: processes, scratch: scratch, sha256: sha256))
        }
    }

    private static func booleanFlag(_ key: String) throws -> Flag {
        Flag(key: try FlagKey(key), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off")
    }

    @Test("deploy by ID runs the highest installed version, by ID@VERSION that one: InstanceDeployed and instance.env (and the Kubernetes ConfigMap) carry its sha256; its flag defaults are set, never over an override")
    func deployByIDAndVersion() async throws {
        try await withHarness { harness in
            let change = FlagService.Change(actor: "operator:test", reason: "test")
            _ = try await harness.runtime.flags.define(try Self.booleanFlag("wasm-beta"), by: change)
            _ = try await harness.runtime.flags.define(try Self.booleanFlag("wasm-gamma"), by: change)
            let initech = try await harness.tenant("Initech")
            let globex = try await harness.tenant("Globex")
            _ = try await harness.runtime.flags.setOverride(try FlagKey("wasm-gamma"), tenant: globex.id, variant: "off", by: change)

            let highest = try await harness.deploy(initech, "acme-rules", settings: ["tier": "gold"])
            let v3 = try #require(harness.sha256["3.0.0"])
            #expect(highest.record.deployment.customizationVersion == "3.0.0")
            #expect(highest.record.deployment.customizationModule == "sha256:\(v3)")
            #expect(highest.record.customization == InstanceCustomization(id: "acme-rules", version: "3.0.0", module: "sha256:\(v3)"))
            #expect(highest.host.origin == .webAssembly(sha256: v3))
            #expect(try highest.files.readEnvironment()[InstanceAdministration.customizationModuleVariable] == "sha256:\(v3)")
            #expect(try highest.files.readEnvironment()["TENANTRY_SETTING_TIER"] == "gold")

            let exact = try await harness.deploy(globex, "acme-rules@1.0.0", settings: ["region": "us"], target: "kubernetes")
            let v1 = try #require(harness.sha256["1.0.0"])
            #expect(exact.record.deployment.customizationVersion == "1.0.0")
            #expect(exact.record.deployment.customizationModule == "sha256:\(v1)")
            #expect(exact.environment[InstanceAdministration.customizationModuleVariable] == "sha256:\(v1)")
            let overlay = try String(contentsOf: exact.files.overlayDirectory.appendingPathComponent("kustomization.yaml"), encoding: .utf8)
            #expect(overlay.contains(#"- "TENANTRY_CUSTOMIZATION_MODULE=sha256:\#(v1)""#), "\(overlay)")
            #expect(overlay.contains("tenantry.dev/customization: acme-rules"))

            // 1.0.0 asked for wasm-beta and wasm-gamma on: set where the tenant had no override.
            let beta = try #require(try await harness.runtime.flags.load(try FlagKey("wasm-beta")))
            let gamma = try #require(try await harness.runtime.flags.load(try FlagKey("wasm-gamma")))
            #expect(beta.overrides[globex.id] == "on")
            #expect(gamma.overrides[globex.id] == "off", "an override is never written over")
            #expect(beta.overrides[initech.id] == nil, "3.0.0 asks for no flag defaults")

            // A version not installed, and settings the module refuses, stop before anything is written.
            let umbrella = try await harness.tenant("Umbrella")
            await #expect(throws: UnknownCustomization.self) {
                try await harness.deploy(umbrella, "acme-rules@9.0.0", settings: ["region": "eu"])
            }
            await #expect(throws: SettingError.self) {
                try await harness.deploy(umbrella, "acme-rules@2.0.0", settings: ["region": "eu"])
            }
            #expect(try await harness.instances.log.record(of: umbrella.id) == nil)
        }
    }

    @Test("an InstanceDeployed recorded before modules existed decodes with no module")
    func olderDeployedDecodes() throws {
        let json = #"""
            {"tenantId":"7d444840-9dc0-11d1-b245-5ffdce74fad2","slug":"acme","customizationId":"corporate-email","customizationVersion":"1.0.0",
             "release":"0.6.0","settings":{"domain":"acme.example"},"target":"local","directory":"/srv/acme","port":8081,"database":"tenantry_t_acme"}
            """#
        let deployed = try JSONDecoder().decode(InstanceEvent.Deployed.self, from: Data(json.utf8))
        #expect(deployed.customizationModule == nil)
        #expect(deployed.customizationId == "corporate-email")
        let encoded = String(decoding: try JSONEncoder().encode(deployed), as: UTF8.self)
        #expect(!encoded.contains("customizationModule"), "compiled code records no module")
    }

    @Test("serve --instance loads the module its record names with its own login; an unknown module, bytes that are not the recorded ones, another module in the environment and a missing setting are refused, each named")
    func startupChecksTheModule() async throws {
        try await withHarness { harness in
            let tenant = try await harness.tenant("Initech")
            let deployment = try await harness.deploy(tenant, "acme-rules@1.0.0", settings: ["region": "eu"])
            let environment = deployment.environment
            let url = try #require(environment["TENANTRY_DATABASE_URL"])
            let customizations = InstanceStartupTests.customizations
            let v1 = try #require(harness.sha256["1.0.0"])

            let startup = try await InstanceStartup.check(tenant.slug, url: url, environment: environment, customizations: customizations)
            #expect(startup.host.origin == .webAssembly(sha256: v1))
            #expect(startup.host.version == "1.0.0")
            #expect(startup.host.settings.values == ["region": "eu"])

            func refusal(_ environment: [String: String]) async -> String? {
                await Self.refusal(tenant.slug, url: url, environment: environment)
            }
            var otherModule = environment
            otherModule[InstanceAdministration.customizationModuleVariable] = "sha256:\(try #require(harness.sha256["2.0.0"]))"
            #expect(await refusal(otherModule)?.contains("TENANTRY_CUSTOMIZATION_MODULE is sha256:") == true)
            var withoutSetting = environment
            withoutSetting["TENANTRY_SETTING_REGION"] = nil
            #expect(await refusal(withoutSetting)?.contains("setting 'region' is missing") == true)

            // A record naming bytes other than the ones stored for that version.
            let forged = String(repeating: "ab", count: 32)
            let record = try await harness.instances.record(of: tenant.slug)
            let tampered = InstanceCustomization(id: "acme-rules", version: "1.0.0", module: "sha256:\(forged)")
            let recorded = try await harness.instances.log.append(
                [.customizationChanged(.init(from: record.customization, to: tampered, settings: record.settings))], after: record, for: tenant.id,
                actor: "operator:test", reason: "test")
            var tamperedEnvironment = environment
            tamperedEnvironment[InstanceAdministration.customizationModuleVariable] = "sha256:\(forged)"
            let notTheBytes = await refusal(tamperedEnvironment)
            #expect(notTheBytes?.contains("cannot run its customization acme-rules@1.0.0 (module sha256:\(forged))") == true, "\(notTheBytes ?? "accepted")")
            #expect(notTheBytes?.contains("its bytes hash to \(v1), not the sha256:\(forged) deployed") == true, "\(notTheBytes ?? "accepted")")

            // A record naming a module that was never installed.
            let ghost = InstanceCustomization(id: "ghost-rules", version: "1.0.0", module: "sha256:\(forged)")
            try await harness.instances.log.append(
                [.customizationChanged(.init(from: tampered, to: ghost, settings: record.settings))], after: recorded, for: tenant.id,
                actor: "operator:test", reason: "test")
            let unknown = await refusal(tamperedEnvironment)
            #expect(unknown?.contains("no customization 'ghost-rules@1.0.0' here (there are: no version of ghost-rules)") == true, "\(unknown ?? "accepted")")
        }
    }

    /// Why `serve --instance` refuses to start with `environment`, or nil when it starts.
    private static func refusal(_ slug: String, url: String, environment: [String: String]) async -> String? {
        do {
            _ = try await InstanceStartup.check(slug, url: url, environment: environment, customizations: InstanceStartupTests.customizations)
            return nil
        } catch let error as InstanceError {
            return error.description
        } catch {
            return "not an InstanceError: \(error)"
        }
    }

    @Test("upgrade --customization 1.0.0 → 2.0.0 keeps the settings, adds the given one, records InstanceCustomizationChanged and InstanceStarted; the record, status and the next start-up run 2.0.0")
    func changeToNextVersion() async throws {
        try await withHarness { harness in
            let tenant = try await harness.tenant("Initech")
            let deployment = try await harness.deploy(tenant, "acme-rules@1.0.0", settings: ["region": "eu"])
            let v2 = try #require(harness.sha256["2.0.0"])

            let changed = try await harness.change(tenant, to: "acme-rules@2.0.0", settings: ["tier": "gold"])
            let running = InstanceCustomization(id: "acme-rules", version: "2.0.0", module: "sha256:\(v2)")
            #expect(changed.customization == running)
            #expect(changed.settings == ["region": "eu", "tier": "gold"])
            #expect(changed.status == .running)
            #expect(changed.deployment.customizationVersion == "1.0.0", "the deployment stays as recorded")
            #expect(try await harness.types(tenant) == ["InstanceDeployed", "InstanceStarted", "InstanceCustomizationChanged", "InstanceStarted"])
            #expect(harness.processes.runningReleases == [TenantryRelease.version], "the previous process was stopped, one runs")
            #expect(harness.processes.starts == [TenantryRelease.version, TenantryRelease.version], "the same release, started again")
            #expect(try await harness.instances.status(of: tenant.slug).record.customization == running)

            let environment = try deployment.files.readEnvironment()
            #expect(environment[InstanceAdministration.customizationModuleVariable] == "sha256:\(v2)")
            #expect(environment["TENANTRY_SETTING_REGION"] == "eu" && environment["TENANTRY_SETTING_TIER"] == "gold")
            let url = try #require(environment["TENANTRY_DATABASE_URL"])
            let startup = try await InstanceStartup.check(
                tenant.slug, url: url, environment: environment, customizations: InstanceStartupTests.customizations)
            #expect(startup.host.origin == .webAssembly(sha256: v2), "the instance starts what the record names last")

            // 3.0.0 does not take region: with --unset region it runs on tier alone.
            let third = try await harness.change(tenant, to: "acme-rules", unset: ["region"])
            #expect(third.customization.version == "3.0.0", "ID alone: the highest installed")
            #expect(third.settings == ["tier": "gold"])
            #expect(try deployment.files.readEnvironment()["TENANTRY_SETTING_REGION"] == nil)
        }
    }

    @Test("a switch whose settings the new version does not accept is refused before anything stops or is recorded, naming the settings")
    func settingsMismatchRefused() async throws {
        try await withHarness { harness in
            let tenant = try await harness.tenant("Initech")
            let deployment = try await harness.deploy(tenant, "acme-rules@1.0.0", settings: ["region": "eu"])
            let before = try await harness.instances.record(of: tenant.slug)
            let environment = try deployment.files.readEnvironment()

            for (target, named) in [("acme-rules@2.0.0", "setting 'tier' is missing"), ("acme-rules@3.0.0", "unknown setting 'region'")] {
                do {
                    _ = try await harness.change(tenant, to: target, settings: target.hasSuffix("3.0.0") ? ["tier": "gold"] : [:])
                    Issue.record("\(target) was accepted")
                } catch InstanceError.customizationSettings(let slug, let customization, let detail) {
                    #expect(slug == tenant.slug)
                    #expect(customization.hasPrefix(target))
                    #expect(detail.contains(named), "\(detail)")
                }
            }
            #expect(try await harness.instances.record(of: tenant.slug).version == before.version, "nothing recorded")
            #expect(harness.processes.starts == [TenantryRelease.version], "nothing stopped or started")
            #expect(harness.processes.runningReleases == [TenantryRelease.version])
            #expect(try deployment.files.readEnvironment() == environment, "nothing rendered")
        }
    }

    @Test("2.0.0 not becoming ready rolls back: the previous files come back, InstanceCustomizationRolledBack and the restart are recorded, 1.0.0 runs")
    func rollbackWhenNotReady() async throws {
        try await withHarness(unreadyModules: ["2.0.0"]) { harness in
            let tenant = try await harness.tenant("Initech")
            let deployment = try await harness.deploy(tenant, "acme-rules@1.0.0", settings: ["region": "eu"])
            let files = deployment.files
            let environment = try files.readEnvironment()
            let overlay = try String(contentsOf: files.overlayDirectory.appendingPathComponent("kustomization.yaml"), encoding: .utf8)
            let v1 = InstanceCustomization(id: "acme-rules", version: "1.0.0", module: "sha256:\(try #require(harness.sha256["1.0.0"]))")

            await #expect(throws: InstanceError.self) {
                try await harness.change(tenant, to: "acme-rules@2.0.0", settings: ["tier": "gold"])
            }
            let record = try await harness.instances.record(of: tenant.slug)
            #expect(record.customization == v1)
            #expect(record.settings == ["region": "eu"])
            #expect(record.status == .running)
            #expect(try await harness.types(tenant) == [
                "InstanceDeployed", "InstanceStarted", "InstanceCustomizationChanged", "InstanceCustomizationRolledBack", "InstanceStarted",
            ])
            let events = try await harness.runtime.operatorEventStore.readStream(
                try StreamName(category: "instance", id: tenant.id.uuidString.lowercased()), tenant: EventLog.controlPlaneTenantID)
            let rollback = try #require(events.first { $0.type == "InstanceCustomizationRolledBack" })
                .decodeData(as: InstanceEvent.CustomizationRolledBack.self)
            #expect(rollback.from == "acme-rules@1.0.0" && rollback.to == "acme-rules@2.0.0")
            let v2 = try #require(harness.sha256["2.0.0"])
            #expect(rollback.fromModule == v1.module && rollback.toModule == "sha256:\(v2)")
            #expect(rollback.reason.contains("never answered /readyz"))
            #expect(harness.processes.starts == [TenantryRelease.version, TenantryRelease.version, TenantryRelease.version])
            #expect(harness.processes.runningReleases == [TenantryRelease.version], "1.0.0 runs again, alone")
            #expect(try files.readEnvironment() == environment, "instance.env as before")
            #expect(try String(contentsOf: files.overlayDirectory.appendingPathComponent("kustomization.yaml"), encoding: .utf8) == overlay)
            let url = try #require(environment["TENANTRY_DATABASE_URL"])
            let startup = try await InstanceStartup.check(
                tenant.slug, url: url, environment: environment, customizations: InstanceStartupTests.customizations)
            #expect(startup.host.version == "1.0.0", "the instance starts 1.0.0 again")
        }
    }

    @Test("a real instance process loads its module with its own login and serves it, switched to 2.0.0 serves that; one whose record names other bytes exits before ready, saying why in one line")
    func realProcessRunsTheModule() async throws {
        try await withHarness { harness in
            let local = LocalInstanceProcesses()
            let instances = harness.runtime.instances(customizations: harness.directory, processes: local)
            let tenant = try await harness.tenant("Initech")
            do {
                let deployment = try await instances.deploy(
                    .init(
                        tenant: tenant.slug, customization: "acme-rules@1.0.0", settings: ["region": "eu"], target: "local",
                        directory: harness.files(tenant.slug).directory, deployRoot: harness.deployRoot, binary: TenantryProcess.binary,
                        actor: "operator:test"))
                let port = try #require(deployment.started?.port)
                #expect(await local.isReady(port: port))
                #expect(try String(contentsOf: deployment.files.logFile, encoding: .utf8).contains("customization acme-rules 1.0.0)"))

                let changed = try await instances.changeCustomization(
                    .init(
                        tenant: tenant.slug, customization: "acme-rules@2.0.0", settings: ["tier": "gold"], deployRoot: harness.deployRoot,
                        binary: TenantryProcess.binary, actor: "operator:test"))
                #expect(changed.customization.version == "2.0.0")
                #expect(await local.isReady(port: port))
                #expect(try String(contentsOf: deployment.files.logFile, encoding: .utf8).contains("customization acme-rules 2.0.0)"))

                let stopped = try await instances.stop(tenant.slug, actor: "operator:test")
                let forged = InstanceCustomization(id: "acme-rules", version: "2.0.0", module: "sha256:" + String(repeating: "ab", count: 32))
                try await instances.log.append(
                    [.customizationChanged(.init(from: stopped.customization, to: forged, settings: stopped.settings))], after: stopped,
                    for: tenant.id, actor: "operator:test", reason: "test")
                do {
                    let started = try await local.start(
                        files: deployment.files, slug: tenant.slug, port: port, release: TenantryRelease.version, binary: TenantryProcess.binary,
                        timeout: .seconds(60))
                    try await local.stop(processID: started.processId, slug: tenant.slug)
                    Issue.record("an instance whose record names other bytes became ready")
                } catch InstanceError.notReady(_, let detail) {
                    #expect(detail.contains("cannot run its customization acme-rules@2.0.0 (module \(forged.module ?? ""))"), "\(detail)")
                }
            } catch {
                if let process = try? await instances.record(of: tenant.slug).process {
                    try? await local.stop(processID: process.processId, slug: tenant.slug)
                }
                throw error
            }
        }
    }
}
