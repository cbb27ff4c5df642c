import FeatureFlags
public import Hummingbird
public import Logging
public import Tenantry

/// `GET /readyz`: whether this process should get traffic. 200 when the database answers, its
/// schema has every migration this release knows, and every subscription the server depends
/// on keeps up with the event feed: each live view (flags, tenants, admin tokens) has caught up
/// once and has not stayed more than `maximumLag` events behind the feed for longer than
/// `lagGrace`, and neither has the provisioning saga's checkpoint (a subscription reading a
/// backlog after the database came back is catching up, not failing). Otherwise 503 with each check's outcome, so an orchestrator holds traffic
/// back (and an operator sees why). The answer says only "unreachable" of a database error
/// (the caller is not authenticated); the error itself is logged.
///
/// `cells` reports each cell as the background check last saw it, without deciding
/// readiness: a cell that is down affects only its tenants (their data requests answer 503),
/// so the server stays in service for everyone else.
public struct ReadinessRoutes<Context: RequestContext>: Sendable {
    /// The database checked (reachable, migrated) and the saga's checkpoint read.
    public let runtime: TenantryRuntime
    /// The live views checked for lag.
    public let views: LiveViews
    /// The most events a subscription may be behind the feed and still count as ready.
    public let maximumLag: Int
    /// How long a subscription may stay over `maximumLag` and still count as catching up.
    public var lagGrace: Duration { lagWatch.grace }
    private let lagWatch: LagWatch
    let logger: Logger
    /// Whether this server runs the provisioning saga and keeps the tenant registry (a
    /// single-tenant instance does neither, so its readiness depends on neither).
    public let runsProvisioning: Bool
    /// The cells' last health reports; nil in a single-tenant instance, which has no cells.
    public let cellHealth: CellHealthMonitor?

    /// Readiness over `runtime`'s database and `views`, failing a subscription that stays more
    /// than `maximumLag` events behind (`ServerConfiguration.maximumSubscriptionLag`) for longer
    /// than `lagGrace` (`ServerConfiguration.subscriptionLagGrace`).
    public init(
        runtime: TenantryRuntime,
        views: LiveViews,
        maximumLag: Int = ServerConfiguration.defaultMaximumSubscriptionLag,
        lagGrace: Duration = ServerConfiguration.defaultSubscriptionLagGrace,
        runsProvisioning: Bool = true,
        cellHealth: CellHealthMonitor? = nil,
        logger: Logger = Logger(label: "tenantry.readiness")
    ) {
        precondition(maximumLag >= 0, "a lag is a count of events")
        self.runtime = runtime
        self.views = views
        self.maximumLag = maximumLag
        self.lagWatch = LagWatch(grace: lagGrace)
        self.runsProvisioning = runsProvisioning
        self.cellHealth = cellHealth
        self.logger = logger
    }

    /// Adds `GET /readyz` (HEAD comes with it when the router generates HEAD endpoints); other
    /// methods are 405.
    public func register(on router: some RouterMethods<Context>) {
        router.get("readyz") { _, _ -> Response in
            let checks = await ReadinessChecks(runtime: runtime, views: views, maximumLag: maximumLag, lagWatch: lagWatch, logger: logger).run()
                .filter { runsProvisioning || !SubscriptionLag.controlPlaneNames.contains($0.name) }
            let ready = checks.allSatisfy(\.passed)
            var answer: [String: JSONValue] = [
                "status": .string(ready ? "ready" : "not ready"),
                "checks": .object(Dictionary(uniqueKeysWithValues: checks.map { ($0.name, $0.body) })),
            ]
            if let cellHealth {
                answer["cells"] = .object(Dictionary(uniqueKeysWithValues: cellHealth.latest.map { report in
                    (report.cell.rawValue, JSONValue.object([
                        "ok": .bool(report.problem == nil),
                        // Not why: the caller is not authenticated (the monitor logs it).
                        "detail": .string(report.problem == nil ? "available" : "unavailable: its tenants' data requests answer 503"),
                    ]))
                }))
            }
            return .json(.object(answer), status: ready ? .ok : .serviceUnavailable)
        }
        router.refuseMethods(on: "readyz", except: [.get, .head])
    }
}
