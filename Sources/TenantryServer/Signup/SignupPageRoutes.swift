import Foundation
public import Hummingbird
import NIOCore

/// The signup page, for people:
///
/// - `GET /`: the form (HTML).
/// - `POST /signup` (`application/x-www-form-urlencoded`, what the form sends without
///   JavaScript): 303 to the status page, or the form again with the message, the values kept
///   and the refusal's status (400, 413, 415, 422, 503); only a fault (500) is a JSON problem.
/// - `GET /signup/{id}?token=<claim token>`: the status page, refreshing itself every 3 s (with
///   a "Check again" link) until the workspace is ready, then the key (once) and the checklist; 404 page for any other link.
/// - `GET /assets/signup.css`, `GET /assets/signup.js` (`SignupAssets`).
///
/// With JavaScript the script takes over the form: it posts JSON to `/v1/signup` and follows
/// `/v1/signup/{id}` itself (`SignupRoutes`).
public struct SignupPageRoutes<Context: PeerAddressContext>: Sendable {
    public let coordinator: SignupCoordinator
    /// Where a request's client address comes from, for the per-client limits.
    public let limits: SignupLimits

    /// The page routes, starting signups through `coordinator`.
    public init(coordinator: SignupCoordinator, limits: SignupLimits = .standard) {
        self.coordinator = coordinator
        self.limits = limits
    }

    /// Adds `GET /`, `POST /signup`, `GET /signup/{id}` and the assets; other methods on those
    /// paths are 405.
    public func register(on router: some RouterMethods<Context>) {
        router.refuseMethods(on: "/", except: [.get, .head])
        router.refuseMethods(on: "signup", except: [.post])
        router.refuseMethods(on: "signup/:id", except: [.get, .head])
        router.get("/", use: form)
        router.post("signup", use: submit)
        router.get("signup/:id", use: status)
        SignupAssets.register(on: router)
    }

    /// `GET /`.
    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        Self.page(try SignupPage.form(SignupPage.Values(), error: nil, idempotencyKey: UUID().uuidString.lowercased()))
    }

    /// The fields the form posts; any may be missing (the form is shown again, saying so).
    struct Submission: Decodable {
        var email: String?
        var organization: String?
        var idempotencyKey: String?
    }

    /// `POST /signup`: 303 to `/signup/{id}?token=…`, or the form again with the refusal's
    /// message and status (400, 413, 415, 422, 503, with their headers: `Accept-Post`,
    /// `Retry-After`), so a person sees what to do. Only a fault (500) is answered as a problem
    /// by `ProblemMiddleware`, and every refusal is a problem document for a client whose
    /// `Accept` asks for JSON and not HTML (`prefersProblemJSON`).
    @Sendable func submit(_ request: Request, context: Context) async throws -> Response {
        let refusedForm = Self.prefersProblemJSON(request) ? { problem, _, _ in throw problem } : Self.refusedForm
        guard request.declaredMediaType == "application/x-www-form-urlencoded" else {
            let problem = ProblemDetails.unsupportedMediaType(request.headers[.contentType], expected: "application/x-www-form-urlencoded")
            return try refusedForm(problem, SignupPage.Values(), UUID().uuidString.lowercased())
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.readBody(context: context)
        } catch let problem as ProblemDetails where problem.status == .contentTooLarge {
            return try refusedForm(problem, SignupPage.Values(), UUID().uuidString.lowercased())
        } catch is NIOTooManyBytesError {
            let problem = ProblemDetails.contentTooLarge(limit: context.maxUploadSize)
            return try refusedForm(problem, SignupPage.Values(), UUID().uuidString.lowercased())
        }
        let submission: Submission
        do {
            submission = try URLEncodedFormDecoder().decode(Submission.self, from: String(decoding: buffer.readableBytesView, as: UTF8.self))
        } catch {
            if Self.prefersProblemJSON(request) { throw ProblemDetails.invalidRequest("the form body could not be read") }
            return Self.page(
                try SignupPage.form(SignupPage.Values(), error: .init(message: "The form could not be read; please fill it in again.", field: nil), idempotencyKey: UUID().uuidString.lowercased()),
                status: .badRequest
            )
        }
        let values = SignupPage.Values(email: submission.email ?? "", organization: submission.organization ?? "")
        // A form without a usable key (an old page, a hand-made post) still works, once.
        let key = submission.idempotencyKey.flatMap(IdempotencyKey.init)
        do {
            let form = SignupForm(email: values.email, organization: values.organization)
            let (ticket, _) = try await coordinator.start(
                try form.signupRequest(idempotencyKey: key), idempotencyKey: key, client: limits.client(of: request, context: context)
            )
            guard let pagePath = ticket.pagePath else {
                // The form sent twice (a double click, a reload): the first submission's answer
                // carried the claim, and a browser shows only the last answer.
                return try refusedForm(.signupAlreadyReceived(), values, UUID().uuidString.lowercased())
            }
            return Response(status: .seeOther, headers: [.location: pagePath, .cacheControl: "no-store"])
        } catch let problem as ProblemDetails where problem.status.code < 500 || problem.status == .serviceUnavailable {
            // A reused key means this form's earlier submission had other values: a fresh key
            // lets the corrected form go through as the new signup it is.
            let nextKey = problem.status == .unprocessableContent ? UUID().uuidString.lowercased() : (key?.value ?? UUID().uuidString.lowercased())
            return try refusedForm(problem, values, nextKey)
        } catch let error where DatabaseOutage.explains(error) {
            // The same key again: the retry the page asks for may find this signup registered.
            return try refusedForm(.databaseUnavailable(), values, key?.value ?? UUID().uuidString.lowercased())
        }
    }

    /// Whether the client asks for JSON (`application/problem+json` or `application/json` in
    /// `Accept`) and not for HTML: a program posting the form, which gets problem documents. A
    /// browser (`text/html`), or a client that states nothing or `*/*`, gets the page.
    static func prefersProblemJSON(_ request: Request) -> Bool {
        let accepted = request.headers[values: .accept].flatMap { $0.split(separator: ",") }.map {
            $0.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let json = accepted.contains("application/problem+json") || accepted.contains("application/json")
        return json && !accepted.contains("text/html")
    }

    /// The form again, with `problem`'s message (marking its field), its status and headers.
    static func refusedForm(_ problem: ProblemDetails, values: SignupPage.Values, idempotencyKey: String) throws -> Response {
        let field = problem.extensions["field"].flatMap { value -> String? in
            if case .string(let name) = value { return name }
            return nil
        }
        var response = page(
            try SignupPage.form(values, error: .init(message: problem.detail, field: field), idempotencyKey: idempotencyKey),
            status: problem.status
        )
        for header in problem.headers { response.headers.append(header) }
        return response
    }

    /// `GET /signup/{id}?token=…`: the status page, or the 404 page.
    @Sendable func status(_ request: Request, context: Context) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let token = ClaimToken.presented(in: request),
            let progress = await coordinator.progress(of: id, claimToken: token, revealingKey: request.method != .head)
        else {
            return Self.page(try SignupPage.notFound(), status: .notFound)
        }
        let path = "/signup/" + id.uuidString.lowercased() + "?token=" + token
        return Self.page(try SignupPage.status(progress, origin: Self.origin(of: request), path: path))
    }

    /// Where the page was reached, for the examples it shows (`http://host:port`); the host
    /// is the request's own, and escaped where it is shown.
    static func origin(of request: Request) -> String {
        let host = request.head.authority ?? "localhost:8080"
        return "http://" + host
    }

    /// An HTML page: never cached (it may carry a key), no referrer (its URL carries a token),
    /// and a policy that lets it load only this server's stylesheet and script.
    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
        ]
        headers.setField(named: "Referrer-Policy", to: "no-referrer")
        let bytes = Array(html.utf8)
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
