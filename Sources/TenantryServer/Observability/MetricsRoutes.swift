import EventStore
public import Hummingbird
import Metrics
import NIOCore

/// `GET /metrics`: every swift-metrics metric of the process in Prometheus' text format:
/// requests and their durations by route template, method and status (Hummingbird's
/// `MetricsMiddleware`), events appended, provisioning outcomes, flag evaluations by reason,
/// and how far each live view is behind the feed. Labels never carry tenant ids or raw paths,
/// so their number stays bounded.
public struct MetricsRoutes<Context: RequestContext>: Sendable {
    public let views: LiveViews

    public init(views: LiveViews) {
        self.views = views
        _ = MetricsRegistry.shared
    }

    public func register(on router: some RouterMethods<Context>) {
        router.get("metrics") { _, _ -> Response in
            await views.recordLag()
            let bytes = MetricsRegistry.shared.emitToBuffer()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(bytes.count)],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
        router.refuseMethods(on: "metrics", except: [.get, .head])
    }
}

extension LiveViews {
    /// Sets each view's `tenantry_live_view_behind_events` gauge: the events its feed holds
    /// after its cursor (up to 10,000; one bounded read each), 0 when it is current.
    func recordLag() async {
        await Self.recordLag(of: flags, name: "flag-catalog")
        await Self.recordLag(of: directory, name: "tenant-directory")
        await Self.recordLag(of: adminTokens, name: "admin-tokens")
    }

    private static func recordLag<State>(of view: LiveView<State>, name: String) async {
        guard let page = try? await view.store.readPage(after: view.cursor, filter: view.filter, limit: 10_000) else { return }
        Gauge(label: "tenantry_live_view_behind_events", dimensions: [("view", name)]).record(page.events.count)
    }
}
