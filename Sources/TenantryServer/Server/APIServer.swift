public import Logging
public import Tenantry
public import Hummingbird
import NIOCore
import Provisioning
public import ServiceLifecycle

/// Tenantry's HTTP server: a Hummingbird application and the background services beside it, in
/// one `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT (the HTTP server stops
/// accepting and finishes the requests in flight, then the background services stop).
///
/// ```swift
/// let server = APIServer(runtime: runtime, configuration: ServerConfiguration(port: 8080))
/// try await server.run { address in print("listening on \(address.url)") }
/// ```
///
/// Routes are in `router()`, background services in `backgroundWorkers()`.
public struct APIServer: Sendable {
    public let runtime: TenantryRuntime
    public let configuration: ServerConfiguration
    /// What requests read: the live flag catalog and tenant directory.
    public let views: LiveViews
    /// Self-serve signups: their provisioning runs and what their clients may still see. One
    /// per server, shared by the signup routes and the service that drains it at shutdown.
    public let signups: SignupCoordinator
    /// Tenants' first successful flag evaluations, from the OFREP routes to `ActivationWorker`.
    public let activations = ActivationSignal()
    /// Whether each cell answers, checked in the background and reported by `/readyz`.
    public let cellHealth: CellHealthMonitor
    let logger: Logger

    /// A server over `runtime`'s databases; nothing runs until `run()`.
    public init(runtime: TenantryRuntime, configuration: ServerConfiguration, logger: Logger = Logger(label: "tenantry.server")) {
        self.runtime = runtime
        self.configuration = configuration
        self.views = LiveViews.live(store: runtime.operatorEventStore)
        self.signups = SignupCoordinator(
            saga: runtime.tenants.saga, directory: views.directory,
            admissions: configuration.signupLimits.admission.map { SignupAdmissions(pool: runtime.operatorPool, policy: $0) },
            logger: logger
        )
        self.cellHealth = CellHealthMonitor(cells: runtime.cells, availability: runtime.tenants.saga.cellAvailability, logger: logger)
        self.logger = logger
    }

    /// Serves until a graceful shutdown signal (see `ServerConfiguration`) or until the task is
    /// cancelled. The live views catch up before the server binds; `onListening` is called once
    /// it is bound, with the actual port.
    public func run(onListening: @escaping @Sendable (ServerAddress) async -> Void = { _ in }) async throws {
        try await serviceGroup(onListening: onListening).run()
    }

    /// The service group `run()` runs, for a caller that stops it itself with
    /// `triggerGracefulShutdown()` (tests) or runs it inside a larger group.
    public func serviceGroup(onListening: @escaping @Sendable (ServerAddress) async -> Void = { _ in }) -> ServiceGroup {
        // Shutdown runs in reverse order: the HTTP server first, the services it reads last.
        var group = ServiceGroupConfiguration(
            services: backgroundWorkers() + [httpApplication(onListening: onListening)],
            gracefulShutdownSignals: configuration.gracefulShutdownSignals,
            logger: logger
        )
        group.maximumGracefulShutdownDuration = configuration.maximumShutdownDuration
        return ServiceGroup(configuration: group)
    }

    /// The same routes, middleware and background workers without a socket: the workers are
    /// the application's own services, for a test client that runs them and hands requests
    /// straight to the application's responder.
    public func inProcessApplication() -> Application<RouterResponder<TenantryRequestContext>> {
        var application = httpApplication(onListening: { _ in })
        application.addServices(backgroundWorkers())
        return application
    }

    /// The HTTP application on `configuration`'s address; the live views catch up before it binds.
    func httpApplication(onListening: @escaping @Sendable (ServerAddress) async -> Void) -> Application<RouterResponder<TenantryRequestContext>> {
        let host = configuration.host
        let port = configuration.port
        var application = Application(
            router: router(),
            // A connection idle (between requests, or in the middle of a request's head or
            // body) for `idleTimeout` is closed; `RefusedBodyMiddleware` bounds a body's time.
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                await onListening(ServerAddress(host: host, port: channel.localAddress?.port ?? port))
            },
            logger: logger
        )
        application.beforeServerStarts { [views] in
            try await views.catchUp()
            FreedMemory.release()
        }
        return application
    }
}
