import AdminTokens
import Customizations
import EventStore
import FeatureFlags
import Foundation
import HTTPTestSupport
import Logging
import NIOHTTP1
import Provisioning
import RuntimeTestSupport
import Tenantry
import TenantryServer
import TestSupport
import Testing

/// A server for admin API tests: `APIServer` in this process (reached in process unless the
/// test asks for a socket), over a fresh
/// database, with an admin token issued for the test (label `tests`), a configured
/// `TENANTRY_ADMIN_TOKEN`, an export directory of its own and the release's customizations.
struct AdminTestServer: Sendable {
    let runtime: TenantryRuntime
    let server: APIServer
    let served: ServedServer
    /// The recorded admin token the requests use by default.
    let token: String
    let tokenRecord: AdminTokenRecord
    /// The token passed as `TENANTRY_ADMIN_TOKEN` would be.
    let configuredToken: String
    let exportDirectory: URL
    /// Tenants created before the server started, each with its first API key.
    let tenants: [(tenant: TenantState, apiKey: String)]

    var client: HTTPTestClient { served.client }
    /// The listening address (only with `transport: .socket`).
    var address: ServerAddress { served.address() }
    var views: LiveViews { server.views }

    static let problemType = "https://tenantry.dev/problems/"

    /// A response whose body is a JSON object.
    struct Answer: Sendable {
        let response: HTTPTestClient.Response
        var status: Int { response.status }
        var text: String { response.text }
        var json: [String: Any] { response.jsonObject ?? [:] }
        /// The `type` of a problem, after the common prefix (`not-found`).
        var problemType: String? {
            (json["type"] as? String).map { $0.replacingOccurrences(of: AdminTestServer.problemType, with: "") }
        }
        var field: String? { json["field"] as? String }
    }

    /// What a request presents as credentials.
    enum Credentials: Sendable {
        /// The test's recorded admin token, as a Bearer token.
        case recorded
        case bearer(String)
        /// Any header, as it is.
        case header(String, String)
        case none
    }

    /// `method path` with `body` (JSON text, sent as it is) and `credentials`.
    func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil, as credentials: Credentials = .recorded) async throws -> Answer {
        var headers: [(String, String)] = []
        switch credentials {
        case .recorded: headers.append(("Authorization", "Bearer \(token)"))
        case .bearer(let secret): headers.append(("Authorization", "Bearer \(secret)"))
        case .header(let name, let value): headers.append((name, value))
        case .none: break
        }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return Answer(response: try await client.send(method, path, headers: headers, body: body.map { Array($0.utf8) }))
    }

    /// The JSON object `answer` holds, after checking its status.
    @discardableResult
    func expect(_ status: Int, _ answer: Answer, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        #expect(answer.status == status, "\(answer.text)", sourceLocation: sourceLocation)
        if answer.status >= 400 {
            #expect(answer.response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        }
        return answer.json
    }

    /// The actor of the last event on `stream` of the control plane.
    func lastActor(of stream: String) async throws -> String? {
        let events = try await runtime.operatorEventStore.readStream(
            try StreamName(stream), tenant: EventLog.controlPlaneTenantID, direction: .backward, limit: 1
        )
        return events.first?.metadata.actor
    }
}

/// Runs `body` against an admin test server; shuts it down and drops its database afterwards.
/// `failingOrganization`: a signup whose organisation starts with it fails provisioning at its
/// first step (the saga compensates), to test how the API reports that, until the tenant
/// carries the attribute `fixed` = true (the cause fixed, for a retry).
func withAdminServer<Value: Sendable>(
    transport: ServerTransport = .inProcess,
    tenants names: [String] = ["Acme"],
    failingOrganization: String? = nil,
    _ body: @escaping @Sendable (AdminTestServer) async throws -> Value
) async throws -> Value {
    var hook: ProvisioningSaga.StepHook?
    if let prefix = failingOrganization {
        hook = { @Sendable _, state in
            if state.name.hasPrefix(prefix), state.attributes["fixed"] != .bool(true) {
                throw AdminTestFailure(description: "injected failure")
            }
        }
    }
    return try await withTestRuntime(beforeProvisioningStep: hook) { runtime, _ async throws in
        var tenants: [(tenant: TenantState, apiKey: String)] = []
        for name in names {
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@admin-tests.example", organization: "\(name) \(UUID().uuidString.prefix(6))"),
                actor: "test:admin"
            )
            guard let key = outcome.apiKey?.secret, outcome.tenant.status == .active else {
                throw AdminTestFailure(description: "tenant \(name) did not become active with a key")
            }
            tenants.append((outcome.tenant, key))
        }
        let issued = try await runtime.adminTokens.issue(label: "tests", actor: "test:admin")
        let configuredToken = "configured-" + UUID().uuidString + UUID().uuidString
        let exportDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-admin-exports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: exportDirectory) }
        var logger = Logger(label: "tenantry.server.admin-test")
        logger.logLevel = .warning
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, gracefulShutdownSignals: [],
            adminToken: try ConfiguredAdminToken(configuredToken), exportDirectory: exportDirectory.path
        )
        // As `tenantry serve` has it: modules may not take these ids, and listings show them.
        configuration.customizations = ReleaseCustomizations.catalog
        let server = APIServer(runtime: runtime, configuration: configuration, logger: logger)
        let created = tenants
        return try await serve(server, on: transport) { served in
            // The views caught up before the server started, but only below the feed's horizon:
            // a writer elsewhere on the cluster can hold the test's own writes back a moment.
            let ready = await server.views.adminTokens.waitUntil(timeout: .conditionDeadline) { $0.authenticate(token: issued.secret) != nil }
            let keysReady = await server.views.directory.waitUntil(timeout: .conditionDeadline) { directory in
                created.allSatisfy { directory.authenticate(apiKey: $0.apiKey)?.tenant.status == .active }
            }
            guard ready, keysReady else { throw AdminTestFailure(description: "the server never saw the test's admin token or tenant keys") }
            return try await body(AdminTestServer(
                runtime: runtime, server: server, served: served, token: issued.secret, tokenRecord: issued.record,
                configuredToken: configuredToken, exportDirectory: exportDirectory, tenants: created
            ))
        }
    }
}

struct AdminTestFailure: Error, CustomStringConvertible {
    let description: String
}
