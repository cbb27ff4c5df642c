import EventStore
import FeatureFlags
import Foundation
import HTTPTestSupport
import Logging
import Provisioning
import RuntimeTestSupport
import Tenantry
import TenantryServer
import TestSupport
import Testing

/// An `APIServer` running in this process over a fresh migrated test database, reached in
/// process or on a real port (`ServerTransport`): what each server test talks to with
/// `HTTPTestClient`.
struct TestServer: Sendable {
    let runtime: TenantryRuntime
    /// The test's database, for tests that take it away (`refuseConnections`).
    let database: TestDatabase
    let server: APIServer
    let served: ServedServer

    var client: HTTPTestClient { served.client }
    /// The listening address (only with `transport: .socket`).
    var address: ServerAddress { served.address() }
    var views: LiveViews { server.views }
    var flags: FlagService { FlagService(store: runtime.operatorEventStore) }
    static let change = FlagService.Change(actor: "test:server")

    /// The tenants created for the test, each with its first API key.
    let tenants: [(tenant: TenantState, apiKey: String)]
    /// The first tenant and its key.
    var tenant: TenantState { tenants[0].tenant }
    var apiKey: String { tenants[0].apiKey }

    /// Waits until the server's directory has the tenant in a state that satisfies `condition`.
    func waitForTenant(_ id: UUID, _ description: String, _ condition: @escaping (TenantState) -> Bool) async throws {
        let holds = await views.directory.waitUntil(timeout: .conditionDeadline) { directory in
            directory.tenant(id).map(condition) ?? false
        }
        guard holds else { throw TestServerError("the server's directory never saw tenant \(id) \(description)") }
    }

    /// Waits until the server's catalog has `flag` at the version the service returned.
    @discardableResult
    func waitForFlag(_ flag: Flag) async throws -> Flag {
        let key = flag.key.rawValue
        let holds = await views.flags.waitUntil(timeout: .conditionDeadline) { catalog in
            (catalog.anyFlag(key)?.version ?? 0) >= flag.version
        }
        guard holds else { throw TestServerError("the server's catalog never reached flag \(key) version \(flag.version)") }
        return flag
    }

    /// Defines a flag through `FlagService` and waits until the server serves it.
    @discardableResult
    func define(_ flag: Flag) async throws -> Flag {
        try await waitForFlag(try await flags.define(flag, by: Self.change))
    }

    /// Runs a flag change through `FlagService` and waits until the server serves it.
    @discardableResult
    func change(_ body: (FlagService) async throws -> Flag) async throws -> Flag {
        try await waitForFlag(try await body(flags))
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` against a server started for it, over a fresh database with the named tenants,
/// in process or (`transport: .socket`) on 127.0.0.1 and a free port; shuts the server down
/// gracefully and drops the database afterwards. `configure` adjusts the server's
/// configuration, knowing the tenants made.
///
/// The tenants are created through the real signup and provisioning saga before the server
/// starts: with the server's provisioning runner already following the feed, the runner could
/// finish a new tenant first, and the key it issues is then shown to nobody.
func withTestServer<Value: Sendable>(
    transport: ServerTransport = .inProcess,
    tenants names: [String] = ["Acme"],
    rateLimitClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
    signupLimits: SignupLimits = .generousForTests,
    configure: @escaping @Sendable (inout ServerConfiguration, _ tenants: [TenantState], _ runtime: TenantryRuntime) -> Void = { _, _, _ in },
    _ body: @escaping @Sendable (TestServer) async throws -> Value
) async throws -> Value {
    try await withTestRuntime { runtime, database async throws in
        var tenants: [(tenant: TenantState, apiKey: String)] = []
        for name in names {
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@server-tests.example", organization: "\(name) \(UUID().uuidString.prefix(6))"),
                actor: "test:server"
            )
            guard let key = outcome.apiKey?.secret, outcome.tenant.status == .active else {
                throw TestServerError("tenant \(name) did not become active with a key: \(outcome.tenant.status)")
            }
            tenants.append((outcome.tenant, key))
        }
        let created = tenants
        var logger = Logger(label: "tenantry.server.test")
        logger.logLevel = .warning
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, gracefulShutdownSignals: [], rateLimitClock: rateLimitClock)
        configuration.signupLimits = signupLimits
        configure(&configuration, created.map(\.tenant), runtime)
        let server = APIServer(runtime: runtime, configuration: configuration, logger: logger)
        return try await serve(server, on: transport) { served in
            // The server starts with what was committed before it (waiting a while for events
            // another test's open transaction holds back); on a busy machine that can be
            // longer, so the tests wait, with the usual deadline, until every key works.
            let keysKnown = await server.views.directory.waitUntil(timeout: .conditionDeadline) { directory in
                created.allSatisfy { directory.authenticate(apiKey: $0.apiKey) != nil }
            }
            guard keysKnown else { throw TestServerError("the server's directory did not learn the tenants' keys") }
            return try await body(TestServer(runtime: runtime, database: database, server: server, served: served, tenants: created))
        }
    }
}

extension SignupLimits {
    /// The limits on, counted in the database, but high enough that tests signing up many
    /// tenants from 127.0.0.1 never reach them (the limits' own tests set tight ones).
    static let generousForTests = SignupLimits(admission: SignupAdmissionPolicy(perWindow: 10_000, unclaimed: 10_000))
}
