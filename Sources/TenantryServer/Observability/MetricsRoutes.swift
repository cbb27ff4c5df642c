import EventStore
public import Hummingbird
import Metrics
import NIOCore
import Provisioning
public import Tenantry

/// `GET /metrics`: every swift-metrics metric of the process in Prometheus' text format:
/// requests and their durations by route template, method and status (Hummingbird's
/// `MetricsMiddleware`), events appended, provisioning outcomes, flag evaluations by reason,
/// and how far each live view and the provisioning saga are behind the feed. Labels never carry
/// tenant ids or raw paths, so their number stays bounded.
public struct MetricsRoutes<Context: RequestContext>: Sendable {
    /// The live views whose lag the gauges show.
    public let views: LiveViews
    /// The databases: the provisioning saga's checkpoint and the feed the lag is counted in.
    public let runtime: TenantryRuntime

    /// The most events a scrape counts behind one subscription: each count is one index read of
    /// at most this many entries, and none for a subscription that is current.
    static var lagLimit: Int { 1_000 }

    /// Metrics of this process; the lag gauges are measured over `views` and `runtime`'s
    /// provisioning saga at each scrape.
    public init(views: LiveViews, runtime: TenantryRuntime) {
        self.views = views
        self.runtime = runtime
        _ = MetricsRegistry.shared
    }

    /// Adds `GET /metrics` (HEAD comes with it when the router generates HEAD endpoints); other
    /// methods are 405.
    public func register(on router: some RouterMethods<Context>) {
        router.get("metrics") { _, _ -> Response in
            await recordLag()
            let bytes = MetricsRegistry.shared.emitToBuffer()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(bytes.count)],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
        router.refuseMethods(on: "metrics", except: [.get, .head])
    }

    /// Sets `tenantry_live_view_behind_events{view}`, `tenantry_provisioning_saga_behind_events`
    /// and `tenantry_tenant_registry_behind_events`: the events each has still to handle, counted
    /// up to `lagLimit`. When the database does not answer the gauges keep their last value
    /// (`/readyz` says why).
    private func recordLag() async {
        let lag = SubscriptionLag(views: views, operatorStore: runtime.operatorEventStore, servesInstance: runtime.servesInstance)
        guard let measurements = try? await lag.measure(limit: Self.lagLimit) else { return }
        for measurement in measurements {
            if measurement.name == "provisioning-saga" {
                Gauge(label: "tenantry_provisioning_saga_behind_events").record(measurement.behind)
            } else if measurement.name == "tenant-registry" {
                Gauge(label: "tenantry_tenant_registry_behind_events").record(measurement.behind)
            } else {
                Gauge(label: "tenantry_live_view_behind_events", dimensions: [("view", measurement.name)]).record(measurement.behind)
            }
        }
    }
}
