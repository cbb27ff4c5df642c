import ArgumentParser
import Foundation
import Instances

/// `tenantry instance deploy <tenant> --customization <id>`.
struct InstanceDeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a tenant's single-tenant instance with a customization.",
        discussion: """
            1. resolves the customization (compiled into this release, or a WebAssembly module \
            installed with `tenantry customization install`) and checks its settings (a missing or \
            invalid one stops here, named); \
            2. gives the tenant a database of its own if it has none (its pooled events copied, \
            verified by count and checksum, the pooled copy retired) and a database login of its \
            own that reaches that tenant only (tenantry_instance_<name>, a new password each \
            time); 3. records InstanceDeployed (for a module, with the sha256 of its bytes, which \
            the instance checks the stored module against when it starts); 4. renders instance.env \
            (the instance's login; TENANTRY_CUSTOMIZATION_MODULE=sha256:<hex> for a module), \
            migration.env (the migration credential: this command's database URL), the systemd \
            units and a Kustomize overlay under Deploy/instances/<tenant>/ (or --out; the folder \
            0700, files with secrets 0600); with --target local (the default) 5. starts \
            `tenantry serve --instance <tenant>` on its own port and waits until /readyz answers.

            Examples:
              tenantry instance deploy acme-corp --customization corporate-email --setting domain=acme.example
              tenantry instance deploy acme-corp --customization acme-rules@1.2.0 --setting region=eu
              tenantry instance deploy acme-corp --customization audit-forwarder \\
                --setting endpoint=https://siem.acme.example/ingest --setting secret=… --target kubernetes
            """
    )

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @Option(help: ArgumentHelp(
        "The customization to run (see `tenantry customization list`): compiled into this release, else the highest version of the installed module; ID@VERSION for an exact one.",
        valueName: "id[@version]"))
    var customization: String

    @Option(name: .customLong("setting"), help: ArgumentHelp("A setting of the customization, name=value (repeatable).", valueName: "name=value"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("local (start the process here) or kubernetes (render only).", valueName: "target"))
    var target = "local"

    @Option(help: ArgumentHelp("The instance's port (default: a free one for local, 8080 for kubernetes).", valueName: "port"))
    var port: Int?

    @Option(help: ArgumentHelp("Where to render the files (default: Deploy/instances/<tenant>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("The release's Deploy folder with the templates (default: ./Deploy).", valueName: "dir"))
    var deployRoot = "Deploy"

    @Flag(help: "Keep the tenant's rows in the shared database (hidden and closed to appends) instead of purging them once the copy is verified; `tenantry tenant purge` deletes them later.")
    var keepPooledCopy = false
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard ["local", "kubernetes"].contains(target) else { throw ValidationError("--target must be local or kubernetes, not '\(target)'") }
        if let port { guard (1...65_535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") } }
        _ = try SettingArguments.parse(settings)
    }

    func run() async throws {
        let settings = try SettingArguments.parse(settings)
        try await connection.withInstances { instances in
            let deployment = try await instances.deploy(
                .init(tenant: tenant, customization: customization, settings: settings, target: target, port: port,
                      directory: out.map { URL(fileURLWithPath: $0) }, deployRoot: URL(fileURLWithPath: deployRoot),
                      binary: ReleaseBinary.current.url, actor: Operator.actor, keepsPooledCopy: keepPooledCopy),
                progress: { StandardOutput.line($0) })
            guard let started = deployment.started else {
                StandardOutput.line("apply with: kubectl apply -k \(deployment.files.overlayDirectory.path)")
                return
            }
            StandardOutput.line("5/5 ready: http://127.0.0.1:\(started.port) (pid \(started.processId), log \(deployment.files.logFile.path))")
        }
    }
}
