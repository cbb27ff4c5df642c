import Hummingbird
import Tenancy

extension APIServer {
    /// Every route. Middleware added to the router applies to the routes added after it (and to
    /// the not-found responder), so `ProblemMiddleware` comes first; authentication is added
    /// per group, on the routes that need a tenant.
    func router() -> Router<TenantryRequestContext> {
        // Install the metrics backend before any middleware makes a metric.
        _ = MetricsRegistry.shared
        let router = Router(context: TenantryRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RefusedBodyMiddleware(bodyTimeout: configuration.requestBodyTimeout))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        if let instance = configuration.instance {
            router.add(middleware: InstanceTenantMiddleware(directory: views.directory, tenantID: instance.tenantID, slug: instance.slug))
        }
        HealthRoutes().register(on: router)
        ReadinessRoutes(
            runtime: runtime, views: views, maximumLag: configuration.maximumSubscriptionLag,
            lagGrace: configuration.subscriptionLagGrace, runsProvisioning: configuration.instance == nil,
            cellHealth: configuration.instance == nil ? cellHealth : nil, logger: logger)
            .register(on: router)
        MetricsRoutes(views: views, runtime: runtime).register(on: router)
        OpenAPIRoutes().register(on: router)
        OFREPRoutes(
            views: views, activations: activations, eventStreamKeepAlive: configuration.eventStreamKeepAlive,
            streamSecrets: configuration.streamTokenSecrets,
            limiter: .byPlan(directory: views.directory, factor: configuration.ofrepRateFactor, now: configuration.rateLimitClock),
            streams: EventStreamLimiter(perKey: configuration.eventStreamsPerKey, perTenant: configuration.eventStreamsPerTenant)
        ).register(on: router)
        // One budget for the tenant API and the customization routes: both are the tenant's API.
        let tenantLimiter = TenantRateLimiter.byPlan(directory: views.directory, now: configuration.rateLimitClock)
        TenantRoutes(
            views: views, tenants: runtime.tenants.lifecycle, limiter: tenantLimiter, caps: configuration.dailyCaps,
            paymentHook: configuration.paymentHook
        )
            .register(on: router)
        if let instance = configuration.instance {
            // A single-tenant instance takes no signups; it serves its customization's routes.
            CustomizationRoutes(scope: instance, views: views, limiter: tenantLimiter).register(on: router)
        } else {
            SignupRoutes(coordinator: signups, limits: configuration.signupLimits).register(on: router)
        }
        // A single-tenant instance mounts no admin API: its login could not act on other
        // tenants anyway, and an instance is no place to administer the platform from.
        if configuration.instance == nil {
            AdminRoutes(runtime: runtime, views: views, configuration: configuration).register(on: router)
        }
        // Last: it wraps only the not-found responder.
        let unknownMethods = UnknownMethodMiddleware<TenantryRequestContext>()
        router.add(middleware: unknownMethods)
        unknownMethods.resolve(with: router)
        return router
    }
}
