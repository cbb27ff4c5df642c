public import AdminTokens
public import Extensions
public import Provisioning
import Tenantry
public import UnixSignals

/// Where `APIServer` listens and how it runs.
public struct ServerConfiguration: Sendable {
    /// The address to bind (`127.0.0.1`, `0.0.0.0`, a host name).
    public var host: String
    /// The port; 0 picks a free one (`onListening` says which).
    public var port: Int
    /// How often due trials are ended.
    public var trialCheckInterval: Duration
    /// How often the provisioning saga's sweep looks for signups left unfinished (a run that
    /// gave up while the database was away); new signups are followed on the feed meanwhile.
    public var provisioningSweepInterval: Duration = .seconds(30)
    /// How often each cell's database is checked for `/readyz` and `tenantry_cell_up`.
    public var cellCheckInterval: Duration = .seconds(5)
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
    /// The customizations compiled into the release (`ReleaseCustomizations.catalog` for
    /// `tenantry serve`): the admin API lists them beside the installed WebAssembly modules and
    /// refuses a module that takes one of their ids. Empty by default, for servers (tests,
    /// benchmarks) that install no modules.
    public var customizations = CustomizationCatalog([])
    /// Set for a single-tenant instance (`serve --instance`): the one tenant served and its
    /// customization; nil for the pooled deployment, which runs no customization.
    public var instance: InstanceScope?
    /// The most events a live view or the provisioning saga may be behind the event feed while
    /// `/readyz` still answers 200.
    public var maximumSubscriptionLag: Int
    /// How long a subscription may stay over `maximumSubscriptionLag` while `/readyz` counts it
    /// as catching up (after a database restart, a burst of writes) rather than stuck.
    public var subscriptionLagGrace: Duration
    /// The clock the tenant API's rate limits refill on: the continuous clock, or a frozen one
    /// in tests, so a burst is refused by count and not by how fast requests arrive.
    public var rateLimitClock: @Sendable () -> ContinuousClock.Instant
    /// Self-serve signup's per-client abuse limits, and where a client's address comes from.
    public var signupLimits: SignupLimits = .standard
    /// Authorises a tenant's self-serve move to a paid plan (a payment provider's seam); nil:
    /// such moves are 402 `payment-required`, operators still change plans.
    public var paymentHook: (any PaymentHook)?
    /// The secrets event-stream tokens are signed with (`TENANTRY_STREAM_TOKEN_SECRET`, and
    /// `TENANTRY_STREAM_TOKEN_PREVIOUS_SECRET` during a rotation); by default a random one made
    /// at start, which only this process accepts: servers behind one address must share one.
    public var streamTokenSecrets: OFREPEventStreamSecrets = .generated()
    /// How many API key changes and plan changes a tenant may make a day through the tenant API.
    public var dailyCaps: TenantDailyCaps = .standard
    /// The most event streams this server holds open per API key and per tenant.
    public var eventStreamsPerKey = EventStreamLimiter.defaultPerKey
    public var eventStreamsPerTenant = EventStreamLimiter.defaultPerTenant
    /// How often an idle event stream sends a comment (so proxies keep it open, and so a
    /// stream whose client left is noticed and stops counting against its limits).
    public var eventStreamKeepAlive: Duration = .seconds(15)
    /// OFREP's rate limit is the tenant's plan limits (`TenantLimits`) times this: evaluations
    /// are cheap (in memory) and client-side providers make many, but not without bound.
    public var ofrepRateFactor: Double = ServerConfiguration.defaultOFREPRateFactor
    /// How long a connection may sit without a complete request part arriving: between
    /// requests, and while a request's head or body is being read (a client that stops
    /// sending is cut off after it). Event streams and requests being answered are not idle.
    public var idleTimeout: Duration = ServerConfiguration.defaultIdleTimeout
    /// The longest a request's body may take to arrive, from when its head is in: a client
    /// that trickles a byte at a time is cut off after it, however often it sends.
    public var requestBodyTimeout: Duration = ServerConfiguration.defaultRequestBodyTimeout

    /// `ofrepRateFactor`'s default: 10 (a trial tenant evaluates 500 times a second, 1000 at once).
    public static let defaultOFREPRateFactor = 10.0
    /// `idleTimeout`'s default: 60 s, above any keep-alive a browser or proxy holds unused.
    public static let defaultIdleTimeout: Duration = .seconds(60)
    /// `requestBodyTimeout`'s default: 30 s, for bodies of at most a few MiB.
    public static let defaultRequestBodyTimeout: Duration = .seconds(30)

    /// `maximumSubscriptionLag`'s default: 500 events. A healthy subscription is within a few
    /// events of the feed (it reads within milliseconds of each commit); one this far behind is
    /// stuck, or held back by a long-running writing transaction.
    public static let defaultMaximumSubscriptionLag = 500

    /// `subscriptionLagGrace`'s default: 30 s. A view reads thousands of events a second, so a
    /// backlog that piled up while the database was away is read well within it; a view still
    /// over the limit after it is not keeping up.
    public static let defaultSubscriptionLagGrace: Duration = .seconds(30)

    /// A configuration with every setting given or defaulted (loopback, port 8080, trials
    /// checked every minute, SIGTERM and SIGINT, 20 s to shut down, no configured admin
    /// token, exports under `.tenantry/exports`, readiness failing beyond 500 events of lag kept for
    /// 30 s, rate limits
    /// on the continuous clock).
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        trialCheckInterval: Duration = .seconds(60),
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        maximumShutdownDuration: Duration = .seconds(20),
        adminToken: ConfiguredAdminToken? = nil,
        exportDirectory: String = ".tenantry/exports",
        maximumSubscriptionLag: Int = ServerConfiguration.defaultMaximumSubscriptionLag,
        subscriptionLagGrace: Duration = ServerConfiguration.defaultSubscriptionLagGrace,
        rateLimitClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
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
        self.maximumSubscriptionLag = maximumSubscriptionLag
        self.subscriptionLagGrace = subscriptionLagGrace
        self.rateLimitClock = rateLimitClock
    }
}
