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

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        trialCheckInterval: Duration = .seconds(60),
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        maximumShutdownDuration: Duration = .seconds(20)
    ) {
        self.host = host
        self.port = port
        self.trialCheckInterval = trialCheckInterval
        self.gracefulShutdownSignals = gracefulShutdownSignals
        self.maximumShutdownDuration = maximumShutdownDuration
    }
}
