import ArgumentParser
import ChildProcesses
import Customizations
import Foundation
import Tenantry

/// `tenantry instance upgrade <tenant>`.
struct InstanceUpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Migrate an instance's database and restart it with this release; roll back if it does not become ready.",
        discussion: """
            Applies this release's migrations to the tenant's dedicated database, stops the running \
            process, starts this release's binary (kept as bin/tenantry-<release> beside the \
            deployment files) and waits for /readyz. When the new release does not become ready, \
            the previous release's binary is started again, InstanceUpgradeRolledBack is recorded \
            and the command fails. --binary upgrades to a release staged elsewhere (its release is \
            what `<binary> --version` prints).
            """
    )

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @Option(help: ArgumentHelp("The release binary to upgrade to (default: this one).", valueName: "path"))
    var binary: String?

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (target, release) = try await Self.release(of: binary)
        try await connection.withRuntime { runtime in
            let tenantID = try await runtime.tenants.resolve(tenant)
            let administration = InstanceAdministration(runtime: runtime, catalog: ReleaseCustomizations.catalog)
            guard let record = try await administration.log.record(of: tenantID) else { throw InstanceError.notDeployed(tenant) }
            guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
            let slug = record.deployment.slug
            let files = InstanceFiles(directory: URL(fileURLWithPath: record.deployment.directory), deployRoot: URL(fileURLWithPath: "Deploy"))
            // The instance's own login may not migrate (serve --instance refuses a schema with
            // migrations pending): the upgrade migrates first, before the old release is stopped.
            StandardOutput.line("1/3 migrating \(record.deployment.database) with this release's migrations")
            try await administration.migrateDedicated(record.deployment.database)
            let port = record.process?.port ?? record.deployment.port
            if let process = record.process {
                StandardOutput.line("2/3 stopping release \(record.release) (pid \(process.processId))")
                try await LocalInstanceProcess.stop(processID: process.processId, slug: slug)
            }
            StandardOutput.line("3/3 starting release \(release) on port \(port)…")
            var version = record.version
            do {
                let started = try await LocalInstanceProcess.start(
                    files: files, slug: slug, port: port, release: release, binary: target, timeout: .seconds(30))
                try await administration.log.append(
                    .upgraded(.init(from: record.release, to: release)), for: tenantID, expectedVersion: version,
                    actor: Operator.actor, reason: "upgrade")
                version += 1
                try await administration.log.append(.started(started), for: tenantID, expectedVersion: version, actor: Operator.actor, reason: "upgrade")
                StandardOutput.line("3/3 ready: release \(release), pid \(started.processId)")
            } catch let failure as InstanceError {
                guard let previous = record.process else { throw failure }
                StandardOutput.line("3/3 \(failure); rolling back to release \(previous.release)")
                let restarted = try await LocalInstanceProcess.start(
                    files: files, slug: slug, port: port, release: previous.release, binary: URL(fileURLWithPath: previous.binary))
                try await administration.log.append(
                    .upgradeRolledBack(.init(from: previous.release, to: release, reason: failure.description)),
                    for: tenantID, expectedVersion: version, actor: Operator.actor, reason: "upgrade rolled back")
                version += 1
                try await administration.log.append(.started(restarted), for: tenantID, expectedVersion: version, actor: Operator.actor, reason: "rollback")
                throw failure
            }
        }
    }

    /// The binary to run and its release: this binary's, or what `path --version` prints.
    static func release(of path: String?) async throws -> (binary: URL, release: String) {
        guard let path else { return (InstanceDeployCommand.binary, TenantryRelease.version) }
        let binary = URL(fileURLWithPath: path).standardizedFileURL
        let asked = try await ChildProcess.run(
            ChildProcess.Configuration(executable: binary.path, arguments: ["--version"], environment: ProcessInfo.processInfo.environment),
            timeout: .seconds(30))
        let release = asked.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard asked.succeeded, !release.isEmpty, !release.contains(where: \.isWhitespace) else {
            throw ValidationError("--binary \(path): `--version` did not print a release (\(asked.diagnosticTail))")
        }
        return (binary, release)
    }
}

