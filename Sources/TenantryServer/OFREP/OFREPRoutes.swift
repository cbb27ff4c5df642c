import FeatureFlags
import Foundation
public import Hummingbird
import NIOCore

/// OFREP's core endpoints (OpenFeature Remote Evaluation Protocol 0.3, `ofrep-openapi.yaml`),
/// for the tenant whose API key the request carries:
///
/// - `POST /ofrep/v1/evaluate/flags/{key}`: one flag (server-side providers).
/// - `POST /ofrep/v1/evaluate/flags`: every active flag (client-side providers), with an ETag
///   of the body and 304 for a matching `If-None-Match`.
///
/// Each evaluation reads the live catalog once (one atomic load) and runs in memory: nothing on
/// the request path touches the database. `OFREPEvaluation` maps results to OFREP's shapes.
public struct OFREPRoutes<Context: TenantAuthenticatedContext>: Sendable {
    public let views: LiveViews
    /// Told of each successful evaluation, so a tenant's first one is recorded (TenantActivated).
    public let activations: ActivationSignal?
    private let counters: EvaluationCounters

    public init(views: LiveViews, activations: ActivationSignal? = nil) {
        self.views = views
        self.activations = activations
        _ = MetricsRegistry.shared
        self.counters = EvaluationCounters()
    }

    /// Adds the routes under `/ofrep/v1/evaluate`, behind API-key authentication and the
    /// active-tenant check; other methods on those paths get 405 (before authentication). An
    /// unexpected failure is OFREP's 500 (`OFREPErrorMiddleware`).
    public func register(on router: some RouterMethods<Context>) {
        router.group("ofrep/v1/evaluate")
            .refuseMethods(on: "flags", except: [.post])
            .refuseMethods(on: "flags/:key", except: [.post])
        router.group("ofrep/v1/evaluate")
            .add(middleware: OFREPErrorMiddleware())
            .add(middleware: APIKeyAuthenticationMiddleware(directory: views.directory))
            .add(middleware: ActiveTenantMiddleware())
            .post("flags", use: evaluateFlags)
            .post("flags/:key", use: evaluateFlag)
    }

    /// `POST /ofrep/v1/evaluate/flags/{key}`: 200 `evaluationSuccess`, 400 `evaluationFailure`,
    /// 404 `flagNotFound`.
    @Sendable func evaluateFlag(_ request: Request, context: Context) async throws -> Response {
        let rawKey = context.parameters.get("key") ?? ""
        let key = rawKey.removingPercentEncoding ?? rawKey
        let tenant = try context.requireTenant()
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let evaluation: OFREPEvaluation
        do {
            let evaluationContext = try OFREPRequest.evaluationContext(body: body, tenant: tenant.state)
            let result = FlagEvaluator(catalog: views.flags.state).evaluate(key, context: evaluationContext)
            counters.record(result)
            evaluation = OFREPEvaluation(result)
        } catch {
            evaluation = OFREPEvaluation(key: key, failure: error)
        }
        if evaluation.status == .ok { activations?.evaluated(by: tenant.state, keyID: tenant.keyID) }
        return .json(evaluation.body, status: evaluation.status)
    }

    /// `POST /ofrep/v1/evaluate/flags`: 200 `bulkEvaluationSuccess` with an ETag, 304 when
    /// `If-None-Match` matches it, 400 `bulkEvaluationFailure`.
    @Sendable func evaluateFlags(_ request: Request, context: Context) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let evaluationContext: EvaluationContext
        do {
            evaluationContext = try OFREPRequest.evaluationContext(body: body, tenant: tenant.state)
        } catch {
            return .json(error.bulkBody, status: .badRequest)
        }
        let results = FlagEvaluator(catalog: views.flags.state).evaluateAll(context: evaluationContext)
        for result in results { counters.record(result) }
        if let activations, results.contains(where: { $0.errorCode == nil }) {
            activations.evaluated(by: tenant.state, keyID: tenant.keyID)
        }
        let bytes = JSONWriter.bytes(.object(["flags": .array(results.map { OFREPEvaluation($0).bulkItem })]))
        // The tag is of the exact body, so it changes exactly when this caller's answer does.
        let tag = EntityTag(of: bytes)
        if tag.isMatched(byIfNoneMatch: request.headers[values: .ifNoneMatch]) {
            return Response(status: .notModified, headers: [.eTag: tag.headerValue])
        }
        return .json(bytes: bytes, headers: [.eTag: tag.headerValue])
    }
}
