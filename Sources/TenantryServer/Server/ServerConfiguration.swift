public import Tenantry
public import UnixSignals

/// Where `TenantryServer` listens and how it runs.
public struct ServerConfiguration: Sendable {
    /// The address to bind (`127.0.0.1`, `0.0.0.0`, a host name).
    public var host: String
    /// The port; 0 picks a free one (`onListening` says which).
    public var port: Int
    /// How often due trials are ended.
    public var trialCheckInterval: Duration
    /// Signals that start a graceful shutdown: stop accepting, finish requests in flight, stop
    /// the background services. Empty when the caller stops the server by cancelling (tests).
    public var gracefulShutdownSignals: [UnixSignal]
    /// How long a graceful shutdown may take before what is still running is cancelled: below
    /// the usual 30 s a supervisor waits before SIGKILL, so the process still exits by itself.
    public var maximumShutdownDuration: Duration
    /// An admin token accepted beside those recorded as events (`TENANTRY_ADMIN_TOKEN`, e.g.
    /// from a secret store); nil: only recorded tokens.
    public var adminToken: ConfiguredAdminToken?
    /// Where `POST /v1/admin/tenants/{slug}/offboard` writes each tenant's export (created when
    /// missing; a relative path is from the working directory).
    public var exportDirectory: String
    /// Set for a single-tenant instance (`serve --instance`): the one tenant served and its
    /// customization; nil for the pooled deployment, which runs no customization.
    public var instance: InstanceScope?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        trialCheckInterval: Duration = .seconds(60),
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        maximumShutdownDuration: Duration = .seconds(20),
        adminToken: ConfiguredAdminToken? = nil,
        exportDirectory: String = ".tenantry/exports",
        instance: InstanceScope? = nil
    ) {
        self.host = host
        self.port = port
        self.trialCheckInterval = trialCheckInterval
        self.gracefulShutdownSignals = gracefulShutdownSignals
        self.maximumShutdownDuration = maximumShutdownDuration
        self.adminToken = adminToken
        self.exportDirectory = exportDirectory
        self.instance = instance
    }
}
