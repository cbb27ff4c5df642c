import FeatureFlags
import Foundation
public import Hummingbird
import NIOCore
public import Tenancy

/// OFREP's core endpoints (OpenFeature Remote Evaluation Protocol 0.3, `ofrep-openapi.yaml`),
/// for the tenant whose API key the request carries:
///
/// - `POST /ofrep/v1/evaluate/flags/{key}`: one flag (server-side providers).
/// - `POST /ofrep/v1/evaluate/flags`: every active flag (client-side providers), with an ETag
///   of the body and 304 for a matching `If-None-Match`, and `eventStreams` naming the next:
/// - `GET /ofrep/v1/event-stream`: Server-Sent Events telling the tenant's providers to re-fetch
///   when a flag or the tenant changes (OFREP's optional event streams, `OFREPEventStream`).
///
/// Each evaluation reads the live catalog once (one atomic load) and runs in memory: nothing on
/// the request path touches the database. `OFREPEvaluation` maps results to OFREP's shapes.
/// Every route is rate limited per tenant (`limiter`: 429 with `Retry-After`), and open event
/// streams are counted per key and per tenant (`streams`: 429 beyond either limit).
public struct OFREPRoutes<Context: TenantAuthenticatedContext>: Sendable {
    public let views: LiveViews
    /// Told of each successful evaluation, so a tenant's first one is recorded (TenantActivated).
    public let activations: ActivationSignal?
    /// How often an idle event stream sends a comment, so proxies keep it open.
    public let eventStreamKeepAlive: Duration
    /// What signs and verifies the event-stream tokens bulk evaluations hand out.
    public let streamSecrets: OFREPEventStreamSecrets
    /// Admits each tenant's OFREP requests (evaluations and stream openings).
    public let limiter: TenantRateLimiter
    /// Counts the open event streams.
    public let streams: EventStreamLimiter
    private let counters: EvaluationCounters

    /// How long a bulk evaluation with a `flagConfigEtag` waits, at most, for this server to
    /// catch up (flags and tenant together): long enough for a feed a few events behind, short
    /// enough that an etag from the future holds nothing.
    static var flagConfigWait: Duration { .seconds(1) }

    /// The path of the event stream, as bulk responses name it.
    public static var eventStreamPath: String { "/ofrep/v1/event-stream" }

    /// `limiter` defaults to the tenant's plan limits times `ServerConfiguration.defaultOFREPRateFactor`.
    public init(
        views: LiveViews,
        activations: ActivationSignal? = nil,
        eventStreamKeepAlive: Duration = .seconds(15),
        streamSecrets: OFREPEventStreamSecrets = .generated(),
        limiter: TenantRateLimiter? = nil,
        streams: EventStreamLimiter = EventStreamLimiter()
    ) {
        self.views = views
        self.activations = activations
        self.eventStreamKeepAlive = eventStreamKeepAlive
        self.streamSecrets = streamSecrets
        self.limiter = limiter ?? .byPlan(directory: views.directory, factor: ServerConfiguration.defaultOFREPRateFactor)
        self.streams = streams
        _ = MetricsRegistry.shared
        self.counters = EvaluationCounters()
    }

    /// Adds the routes under `/ofrep/v1/evaluate`, behind API-key authentication and the
    /// active-tenant check, and the event stream `/ofrep/v1/event-stream` (by its token or an
    /// API key); other methods on those paths get 405 (before authentication). An unexpected
    /// failure is OFREP's 500 (`ProblemMiddleware.ofrep`).
    public func register(on router: some RouterMethods<Context>) {
        router.group("ofrep/v1/evaluate")
            .refuseMethods(on: "flags", except: [.post])
            .refuseMethods(on: "flags/:key", except: [.post])
        router.group("ofrep/v1/evaluate")
            .add(middleware: ProblemMiddleware.ofrep)
            .add(middleware: APIKeyAuthenticationMiddleware(directory: views.directory))
            .add(middleware: ActiveTenantMiddleware())
            .add(middleware: TenantRateLimitMiddleware(limiter: limiter))
            .post("flags", use: evaluateFlags)
            .post("flags/:key", use: evaluateFlag)
        router.group("ofrep/v1").refuseMethods(on: "event-stream", except: [.get])
        router.group("ofrep/v1")
            .add(middleware: ProblemMiddleware.ofrep)
            .add(middleware: OFREPEventStreamAuthenticationMiddleware(directory: views.directory, secrets: streamSecrets))
            .add(middleware: ActiveTenantMiddleware())
            .add(middleware: TenantRateLimitMiddleware(limiter: limiter))
            .get("event-stream", use: eventStream)
    }

    /// `POST /ofrep/v1/evaluate/flags/{key}`: 200 `evaluationSuccess`, 400 `evaluationFailure`,
    /// 404 `flagNotFound`.
    @Sendable func evaluateFlag(_ request: Request, context: Context) async throws -> Response {
        let rawKey = context.parameters.get("key") ?? ""
        // Flag keys never need escaping; decode only what a client escaped anyway.
        let key = rawKey.utf8.contains(UInt8(ascii: "%")) ? rawKey.removingPercentEncoding ?? rawKey : rawKey
        let tenant = try context.requireTenant()
        let body = try await request.readBody(context: context)
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
        return .json(bytes: evaluation.body, status: evaluation.status)
    }

    /// `POST /ofrep/v1/evaluate/flags`: 200 `bulkEvaluationSuccess` with an ETag, 304 when
    /// `If-None-Match` matches it, 400 `bulkEvaluationFailure` (also for a `flagConfigEtag` that
    /// is not an event stream's etag).
    @Sendable func evaluateFlags(_ request: Request, context: Context) async throws -> Response {
        var tenant = try context.requireTenant()
        if let etag = request.uri.queryParameters["flagConfigEtag"] {
            guard let seen = OFREPEventStream.Position(text: etag) else {
                // OFREP's shape for a refused bulk request (`bulkEvaluationFailure`), naming the parameter.
                let refusal = OFREPRequestError(
                    .general, "flagConfigEtag must be an etag from the event stream: <revision>-<version>, each 0 to 2^63-1")
                return .json(refusal.bulkBody, status: .badRequest)
            }
            // A re-fetch an event stream caused, perhaps one of another server's: answer once
            // this server has seen as much (or after a moment, from what it has), so the
            // provider does not cache an answer older than the event it reacted to. Both views
            // are waited on together, within one bound.
            let id = tenant.state.id
            let (flags, directory) = (views.flags, views.directory)
            async let flagsCaughtUp = flags.waitUntil(timeout: Self.flagConfigWait) { $0.revision >= seen.catalogRevision }
            async let tenantCaughtUp = directory.waitUntil(timeout: Self.flagConfigWait) { ($0.tenant(id)?.version ?? .max) >= seen.tenantVersion }
            _ = await (flagsCaughtUp, tenantCaughtUp)
            if let current = views.directory.state.tenant(id) { tenant = AuthenticatedTenant(state: current, keyID: tenant.keyID) }
        }
        let body = try await request.readBody(context: context)
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
        // `bulkEvaluationSuccess`, written member by member in key order (eventStreams, flags),
        // each result straight into the body: no dictionary per flag.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + 128 * results.count)
        bytes.append(UInt8(ascii: "{"))
        if tenant.state.apiKeys[tenant.keyID] != nil {
            // OFREP's `endpoint` form: the provider joins its configured origin and this path.
            let token = OFREPEventStreamToken.issue(tenantID: tenant.state.id, keyID: tenant.keyID, secrets: streamSecrets)
            bytes.append(contentsOf: #""eventStreams":"#.utf8)
            JSONWriter.append(
                .array([.object(["type": "sse", "endpoint": .object(["requestUri": .string("\(Self.eventStreamPath)?token=\(token)")])])]),
                to: &bytes
            )
            bytes.append(UInt8(ascii: ","))
        }
        bytes.append(contentsOf: #""flags":["#.utf8)
        for (index, result) in results.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            OFREPEvaluation(result).append(to: &bytes, asBulkItem: true)
        }
        bytes.append(contentsOf: "]}".utf8)
        // The tag is of the exact body, so it changes exactly when this caller's answer does.
        let tag = EntityTag(of: bytes)
        if tag.isMatched(byIfNoneMatch: request.headers[values: .ifNoneMatch]) {
            return Response(status: .notModified, headers: [.eTag: tag.headerValue])
        }
        return .json(bytes: bytes, headers: [.eTag: tag.headerValue])
    }

    /// `GET /ofrep/v1/event-stream`: `text/event-stream` of `refetchEvaluation` events for the
    /// authenticated tenant (by the bulk response's token, or an API key); 429 when the key or
    /// the tenant holds as many open streams as it may.
    @Sendable func eventStream(_ request: Request, context: Context) async throws -> Response {
        let tenant = try context.requireTenant()
        let lease: EventStreamLimiter.Lease
        do {
            lease = try streams.open(tenantID: tenant.state.id, keyID: tenant.keyID)
        } catch {
            throw ProblemDetails.tooManyEventStreams(error)
        }
        let stream = OFREPEventStream(
            views: views, tenantID: tenant.state.id, keyID: tenant.keyID, expiresAt: tenant.expiresAt,
            keepAlive: eventStreamKeepAlive, lease: lease)
        let lastEventID = request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
        // `X-Accel-Buffering: no`: nginx (and proxies that copy it) pass each event on at once.
        let headers = HTTPFields([.init(name: .contentType, value: "text/event-stream"), .init(name: .cacheControl, value: "no-cache")])
            .settingField(named: "X-Accel-Buffering", to: "no")
        return Response(status: .ok, headers: headers, body: stream.body(lastEventID: lastEventID))
    }
}
