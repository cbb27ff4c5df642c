public import Hummingbird

/// `GET /healthz`: liveness. 200 `{"status":"ok"}` whenever the process serves HTTP at all;
/// it checks nothing else, so an orchestrator restarts only a process that stopped answering.
/// (Readiness, `/readyz`, is a separate question: are the live views caught up?)
public struct HealthRoutes<Context: RequestContext>: Sendable {
    public init() {}

    /// Adds `GET /healthz` (HEAD comes with it when the router generates HEAD endpoints).
    public func register(on router: some RouterMethods<Context>) {
        router.get("healthz") { _, _ -> Response in
            .json(.object(["status": .string("ok")]))
        }
        router.refuseMethods(on: "healthz", except: [.get, .head])
    }
}
