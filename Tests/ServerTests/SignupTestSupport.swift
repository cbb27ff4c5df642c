import Foundation
import HTTPTestSupport
import NIOHTTP1
import TestSupport
import Testing

/// Signup calls as the page's script and a curl user make them.
extension TestServer {
    /// `POST /v1/signup` with `{"email","organization"}` as JSON and, when given, an `Idempotency-Key`.
    func signup(email: String, organization: String, idempotencyKey: String? = nil) async throws -> HTTPTestClient.Response {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "organization": organization])
        return try await signup(body: String(decoding: body, as: UTF8.self), idempotencyKey: idempotencyKey)
    }

    /// `POST /v1/signup` with `body` sent as it is.
    func signup(body: String, idempotencyKey: String? = nil, contentType: String? = "application/json") async throws -> HTTPTestClient.Response {
        var headers: [(String, String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        return try await client.send(.POST, "/v1/signup", headers: headers, body: Array(body.utf8))
    }

    /// `GET` (or `HEAD`) of a signup's status URL with the claim token as a Bearer token.
    func signupStatus(_ path: String, claimToken: String?, method: HTTPMethod = .GET) async throws -> HTTPTestClient.Response {
        let headers = claimToken.map { [("Authorization", "Bearer \($0)")] } ?? []
        return try await client.send(method, path, headers: headers)
    }

    /// Follows a signup's status URL until provisioning is over (with a deadline) and returns
    /// that first final answer: the one that carries the key.
    func waitForSignup(_ path: String, claimToken: String) async throws -> [String: Any] {
        var final: [String: Any]?
        try await waitUntil("signup \(path) finishes provisioning") {
            let response = try await signupStatus(path, claimToken: claimToken)
            guard response.status == 200, let body = response.jsonObject else {
                throw TestServerError("status \(path): \(response.status) \(response.text)")
            }
            guard body["status"] as? String != "provisioning" else { return false }
            final = body
            return true
        }
        return try #require(final)
    }

    /// The tenants the registry lists with this organisation name.
    func registeredTenants(named organization: String) async throws -> [String] {
        try await runtime.tenants.list(state: nil, plan: nil).filter { $0.name == organization }.map(\.slug)
    }
}

/// A 202 body of `POST /v1/signup`, read.
struct SignupAccepted {
    let tenantID: String
    let slug: String
    let status: String
    let statusURL: String
    let claimToken: String

    init(_ response: HTTPTestClient.Response, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(response.status == 202, "\(response.status) \(response.text)", sourceLocation: sourceLocation)
        let body = try #require(response.jsonObject, sourceLocation: sourceLocation)
        tenantID = try #require(body["tenantId"] as? String, sourceLocation: sourceLocation)
        slug = try #require(body["slug"] as? String, sourceLocation: sourceLocation)
        status = try #require(body["status"] as? String, sourceLocation: sourceLocation)
        statusURL = try #require(body["statusUrl"] as? String, sourceLocation: sourceLocation)
        claimToken = try #require(body["claimToken"] as? String, sourceLocation: sourceLocation)
    }
}

/// A 202 body of `POST /v1/signup` that may be a retry's: the tenant, with or without the claim.
struct SignupAcknowledged {
    let tenantID: String
    let slug: String
    let claimToken: String?

    init(_ response: HTTPTestClient.Response, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(response.status == 202, "\(response.status) \(response.text)", sourceLocation: sourceLocation)
        let body = try #require(response.jsonObject, sourceLocation: sourceLocation)
        tenantID = try #require(body["tenantId"] as? String, sourceLocation: sourceLocation)
        slug = try #require(body["slug"] as? String, sourceLocation: sourceLocation)
        claimToken = body["claimToken"] as? String
    }
}

/// A problem details body, read.
struct SignupProblem {
    let type: String
    let status: Int
    let detail: String
    let field: String?

    init(_ response: HTTPTestClient.Response, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.header("Content-Type") == "application/problem+json", "\(response.text)", sourceLocation: sourceLocation)
        let body = try #require(response.jsonObject, "\(response.text)", sourceLocation: sourceLocation)
        type = try #require(body["type"] as? String, sourceLocation: sourceLocation)
        status = try #require(body["status"] as? Int, sourceLocation: sourceLocation)
        detail = body["detail"] as? String ?? ""
        field = body["field"] as? String
        #expect(status == response.status, sourceLocation: sourceLocation)
    }
}

/// Where signup tests put what a person would look at (screenshots): `$TENANTRY_TEST_OUTPUT`,
/// else `.build/test-output/signup`; created if missing.
func signupTestOutputDirectory() throws -> URL {
    let base = ProcessInfo.processInfo.environment["TENANTRY_TEST_OUTPUT"].map { URL(fileURLWithPath: $0) }
        ?? TestCluster.packageRoot.appendingPathComponent(".build/test-output")
    let folder = base.appendingPathComponent("signup")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The text between `start` and the next `end` in `text`.
func signupText(_ text: String, between start: String, and end: String) -> String? {
    guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else { return nil }
    return String(text[from.upperBound..<to.lowerBound])
}
