public import Foundation
import Extensions

extension InstanceAdministration {
    /// What a customization change (`instance upgrade --customization`) asks for.
    public struct CustomizationChange: Sendable {
        /// The tenant's slug or id.
        public var tenant: String
        /// The customization to run: `ID` (compiled into the release, else the highest version
        /// of the module installed) or `ID@VERSION`.
        public var customization: String
        /// Settings by name, over the ones the instance runs with now.
        public var settings: [String: String]
        /// Settings the instance runs with now that are not carried over (the new customization
        /// does not take them).
        public var unset: Set<String>
        /// The release's `Deploy` folder with the templates, as `deploy` takes it.
        public var deployRoot: URL
        /// The binary a local instance is started with when no process of it was recorded (else
        /// the recorded process's own copy: the release stays the same).
        public var binary: URL
        /// Who changes it, as recorded in the events' metadata.
        public var actor: String

        /// A change of `tenant`'s instance to `customization`.
        public init(
            tenant: String, customization: String, settings: [String: String] = [:], unset: Set<String> = [], deployRoot: URL, binary: URL,
            actor: String
        ) {
            self.tenant = tenant
            self.customization = customization
            self.settings = settings
            self.unset = unset
            self.deployRoot = deployRoot
            self.binary = binary
            self.actor = actor
        }
    }

    /// Switches the instance to another customization or another version of its own, with the
    /// rollback of a release upgrade:
    ///
    /// 1. resolves the customization and checks the settings it would run with (the current
    ///    ones from `instance.env`, less `unset`, overridden by the given ones): a mismatch is
    ///    refused before anything is stopped or recorded (`InstanceError.customizationSettings`);
    /// 2. records InstanceCustomizationChanged at the version the record was read at (the
    ///    instance reads which customization to run from its record, so the record names it
    ///    before it starts), and renders the files with the new customization's variables;
    /// 3. for a local instance, stops the running process, starts the same release again, waits
    ///    until it is ready, applies the new customization's flag defaults (never over an
    ///    override) and records InstanceStarted.
    ///
    /// Any failure after step 2 puts the previous files back (byte for byte), records
    /// InstanceCustomizationRolledBack, starts the previous customization again if it was
    /// running (recording its InstanceStarted) and throws the failure.
    @discardableResult
    public func changeCustomization(_ change: CustomizationChange, progress: @Sendable (String) -> Void = { _ in }) async throws -> InstanceRecord {
        let record = try await record(of: change.tenant)
        guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
        let slug = record.deployment.slug
        let files = InstanceFiles(directory: URL(fileURLWithPath: record.deployment.directory), deployRoot: change.deployRoot)
        let current = try files.readEnvironment()
        let from = record.customization

        let definition = try await customizations.definition(change.customization)
        let to = InstanceCustomization(definition)
        var settings: [String: String] = [:]
        for name in record.settings.keys where !change.unset.contains(name) {
            settings[name] = current[Self.settingVariable(name)]
        }
        settings.merge(change.settings) { _, given in given }
        let host: CustomizationHost
        do {
            host = try CustomizationHost(definition, settings: settings)
        } catch {
            throw InstanceError.customizationSettings(slug: slug, customization: to.description, detail: "\(error)")
        }
        progress("1/4 settings of \(to) are valid")

        let snapshot = try files.snapshot(slug: slug)
        let changed = try await log.append(
            [.customizationChanged(.init(from: from, to: to, settings: Self.recorded(host)))], after: record, for: record.deployment.tenantId,
            actor: change.actor, reason: "customization \(from.reference) to \(to.reference)")
        progress("2/4 recorded InstanceCustomizationChanged (\(from) → \(to))")

        var stopped: InstanceEvent.Started?
        var started: InstanceEvent.Started?
        do {
            try files.render(
                slug: slug, customization: host.id.rawValue, release: record.release,
                environment: Self.environment(current, running: host, previous: record.settings.keys),
                migrationEnvironment: migrationEnvironment(slug: slug), secretNames: secretNames(host))
            progress("2/4 rendered \(files.directory.path) with \(to)")
            guard record.deployment.target == "local" else {
                try await applyFlagDefaults(host, to: record, progress: progress)
                progress("apply with: kubectl apply -k \(files.overlayDirectory.path)")
                return changed
            }
            if let process = record.process {
                progress("3/4 stopping \(from) (pid \(process.processId))")
                try await processes.stop(processID: process.processId, slug: slug)
                stopped = process
            }
            let port = record.process?.port ?? record.deployment.port
            let release = record.process?.release ?? record.release
            progress("4/4 starting \(to) (release \(release)) on port \(port)…")
            let new = try await processes.start(
                files: files, slug: slug, port: port, release: release,
                binary: record.process.map { URL(fileURLWithPath: $0.binary) } ?? change.binary, timeout: Self.upgradeTimeout)
            started = new
            try await applyFlagDefaults(host, to: record, progress: progress)
            let running = try await log.append([.started(new)], after: changed, for: record.deployment.tenantId, actor: change.actor, reason: "local start")
            progress("4/4 ready: \(to), pid \(new.processId)")
            return running
        } catch {
            progress("\(error); rolling back to \(from)")
            try files.restore(snapshot)
            // The new one started but what followed failed: it must not stay.
            if let started { try await processes.stop(processID: started.processId, slug: slug) }
            // Recorded before the previous one starts: it reads its customization from the record.
            let rolledBack = try await log.append(
                [.customizationRolledBack(.init(from: from, to: to, settings: record.settings, reason: String(describing: error)))],
                after: changed, for: record.deployment.tenantId, actor: change.actor, reason: "customization change rolled back")
            if let previous = stopped, record.status == .running {
                let restarted = try await processes.start(
                    files: files, slug: slug, port: previous.port, release: previous.release, binary: URL(fileURLWithPath: previous.binary),
                    timeout: Self.startTimeout)
                try await log.append([.started(restarted)], after: rolledBack, for: record.deployment.tenantId, actor: change.actor, reason: "local start")
            }
            throw error
        }
    }

    private func applyFlagDefaults(_ host: CustomizationHost, to record: InstanceRecord, progress: @Sendable (String) -> Void) async throws {
        for flagDefault in host.flagDefaults {
            try await applyFlagDefault(flagDefault, tenant: record.deployment.tenantId, host: host) { progress("4/4 \($0)") }
        }
    }
}
