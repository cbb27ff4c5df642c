import AdminTokens
import Customizations
import ArgumentParser
import EventStore
import Foundation
import Instances
import PostgresClient
import Tenantry
import TenantryServer

/// `tenantry serve`: the HTTP server, until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve HTTP: /healthz, OpenFeature Remote Evaluation (OFREP) for tenants' API keys, and the admin API.",
        discussion: """
            Serves POST /ofrep/v1/evaluate/flags/{key} and POST /ofrep/v1/evaluate/flags to \
            callers with a tenant's API key (Authorization: Bearer <key> or X-API-Key), and GET \
            /healthz; the admin API under /v1/admin for admin tokens (Authorization: Bearer \
            <token>; see tenantry admin token create, or set TENANTRY_ADMIN_TOKEN, at least 32 \
            characters, to accept one from a secret store). Event-stream tokens are signed with \
            TENANTRY_STREAM_TOKEN_SECRET (shared by every server; TENANTRY_STREAM_TOKEN_PREVIOUS_SECRET \
            during a rotation; a random one per process when unset); limits and timeouts come from \
            TENANTRY_IDLE_TIMEOUT, TENANTRY_REQUEST_BODY_TIMEOUT, TENANTRY_EVENT_STREAMS_PER_KEY, \
            TENANTRY_EVENT_STREAMS_PER_TENANT, TENANTRY_OFREP_RATE_FACTOR, TENANTRY_DAILY_API_KEY_CHANGES \
            and TENANTRY_DAILY_PLAN_CHANGES (see Docs/operations.md). Flags and API keys are kept in memory, current within milliseconds of a \
            change in any process. Beside HTTP it runs what `tenant worker` runs: provisioning \
            and trial expiry. Prints "listening on http://HOST:PORT" once bound; SIGTERM or \
            Ctrl-C finishes the requests in flight and exits 0.
            Example:
              TENANTRY_PORT=9000 tenantry serve --host 0.0.0.0
            """
    )

    @Option(help: ArgumentHelp("Address to listen on (default: $TENANTRY_HOST, else 127.0.0.1).", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on, 0 for any free one (default: $TENANTRY_PORT, else 8080).", valueName: "port"))
    var port: Int?

    @Option(help: ArgumentHelp(
        "Serve one tenant's single-tenant instance (default: $TENANTRY_INSTANCE): its keys only, its customization's hooks and routes, no signups. The customization's settings come from TENANTRY_SETTING_<NAME> variables.",
        valueName: "tenant"))
    var instance: String?

    @Option(help: ArgumentHelp("Seconds between trial-expiry checks (1–86400).", valueName: "seconds"))
    var trialCheckInterval = 60

    @OptionGroup(title: "Signup limits") var signupLimits: SignupLimitOptions

    @OptionGroup var connection: ConnectionOptions

    private static let environment = ProcessInfo.processInfo.environment

    func validate() throws {
        _ = try resolvedHost()
        _ = try resolvedPort()
        _ = try configuredAdminToken()
        var probe = ServerConfiguration()
        try ServeLimits(environment: Self.environment).apply(to: &probe)
        guard (1...86_400).contains(trialCheckInterval) else {
            throw ValidationError("--trial-check-interval must be between 1 and 86400 seconds")
        }
    }

    func run() async throws {
        AllocatorArenas.limitToProcessorCount(environment: Self.environment)
        var configuration = ServerConfiguration(
            host: try resolvedHost(), port: try resolvedPort(), trialCheckInterval: .seconds(trialCheckInterval),
            adminToken: try configuredAdminToken(), exportDirectory: Self.exportDirectory
        )
        configuration.signupLimits = try signupLimits.limits()
        configuration.customizations = ReleaseCustomizations.catalog
        try ServeLimits(environment: Self.environment).apply(to: &configuration)
        let instanceName = instance ?? Self.environment["TENANTRY_INSTANCE"].flatMap { $0.isEmpty ? nil : $0 }
        guard let instanceName else {
            try await connection.withRuntime { runtime in
                try await APIServer(runtime: runtime, configuration: configuration).run { address in
                    StandardOutput.line("listening on \(address.url)")
                }
            }
            return
        }
        // An instance runs with its own login only (the URL its instance.env gives): it reads
        // its deployment with it, and never migrates or acts as any other role.
        guard case .external(let url) = connection.target else {
            throw ValidationError(InstanceError.notInstanceLogin("no TENANTRY_DATABASE_URL or --database-url is set").description)
        }
        // Its customization is the one its record names last, a module read with that login.
        let startup = try await InstanceStartup.check(instanceName, url: url, environment: Self.environment) { controlPlane in
            TenantryRuntime.customizations(catalog: ReleaseCustomizations.catalog, controlPlane: controlPlane)
        }
        let runtime = TenantryRuntime.startInstance(startup)
        // An instance mounts no admin API, so it takes no admin token.
        configuration.adminToken = nil
        let base = configuration
        do {
            try await startup.withTenantStore { tenantStore in
                var scoped = base
                scoped.instance = InstanceScope(tenantID: startup.tenantID, slug: startup.slug, customization: startup.host, tenantStore: tenantStore)
                try await APIServer(runtime: runtime, configuration: scoped).run { address in
                    StandardOutput.line("listening on \(address.url) (instance of \(startup.slug), customization \(startup.host.id) \(startup.host.version))")
                }
            }
            await runtime.shutdown()
        } catch {
            await runtime.shutdown()
            throw error
        }
    }

    /// `TENANTRY_ADMIN_TOKEN`, when set: an admin token accepted beside the recorded ones. A
    /// short one is refused before anything starts.
    private func configuredAdminToken() throws -> ConfiguredAdminToken? {
        guard let secret = Self.environment[ConfiguredAdminToken.environmentVariable] else { return nil }
        do {
            return try ConfiguredAdminToken(secret)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Where admin offboarding writes exports: `$TENANTRY_EXPORT_DIR`, else
    /// `$TENANTRY_HOME/exports`, else `./.tenantry/exports`.
    private static var exportDirectory: String {
        if let directory = environment["TENANTRY_EXPORT_DIR"], !directory.isEmpty { return URL(fileURLWithPath: directory).path }
        let home = environment["TENANTRY_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".tenantry"
        return URL(fileURLWithPath: home).appendingPathComponent("exports").path
    }

    private func resolvedHost() throws -> String {
        let host = (host ?? Self.environment["TENANTRY_HOST"] ?? "127.0.0.1").trimmingCharacters(in: .whitespaces)
        guard !host.isEmpty else { throw ValidationError("--host (or TENANTRY_HOST) is empty: give an address such as 127.0.0.1") }
        return host
    }

    private func resolvedPort() throws -> Int {
        if let port {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            return port
        }
        guard let text = Self.environment["TENANTRY_PORT"] else { return 8080 }
        guard let port = Int(text.trimmingCharacters(in: .whitespaces)), (0...65_535).contains(port) else {
            throw ValidationError("TENANTRY_PORT=\(text) is not a port: give a number between 0 and 65535")
        }
        return port
    }
}
