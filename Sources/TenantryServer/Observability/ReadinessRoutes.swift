import FeatureFlags
public import Hummingbird
import PostgresClient
public import Tenantry

/// `GET /readyz`: whether this process should get traffic. 200 when the database answers,
/// its schema has every migration this release knows, and the live views (flags, tenants)
/// have caught up with the feed at least once; otherwise 503 with each check's outcome, so
/// an orchestrator holds traffic back (and an operator sees why).
public struct ReadinessRoutes<Context: RequestContext>: Sendable {
    public let runtime: TenantryRuntime
    public let views: LiveViews

    public init(runtime: TenantryRuntime, views: LiveViews) {
        self.runtime = runtime
        self.views = views
    }

    public func register(on router: some RouterMethods<Context>) {
        router.get("readyz") { _, _ -> Response in
            let checks = await check()
            let ready = checks.allSatisfy(\.passed)
            return .json(
                .object([
                    "status": .string(ready ? "ready" : "not ready"),
                    "checks": .object(Dictionary(uniqueKeysWithValues: checks.map { ($0.name, $0.body) })),
                ]),
                status: ready ? .ok : .serviceUnavailable
            )
        }
        router.refuseMethods(on: "readyz", except: [.get, .head])
    }

    struct Check {
        let name: String
        let passed: Bool
        let detail: String

        var body: JSONValue { .object(["ok": .bool(passed), "detail": .string(detail)]) }
    }

    func check() async -> [Check] {
        var checks: [Check] = []
        do {
            let pending = try await runtime.operatorPool.withConnection { connection in
                try await DatabaseMigrator().pending(on: connection)
            }
            checks.append(Check(name: "database", passed: true, detail: "reachable"))
            checks.append(Check(
                name: "migrations", passed: pending.isEmpty,
                detail: pending.isEmpty ? "current" : "pending: " + pending.map { "\($0.version) \($0.name)" }.joined(separator: ", ") + "; run tenantry migrate"
            ))
        } catch {
            checks.append(Check(name: "database", passed: false, detail: "\(error)"))
        }
        let views = [
            ("flag-catalog", views.flags.isCaughtUp), ("tenant-directory", views.directory.isCaughtUp),
            ("admin-tokens", views.adminTokens.isCaughtUp),
        ]
        for (name, caughtUp) in views {
            checks.append(Check(name: name, passed: caughtUp, detail: caughtUp ? "caught up" : "catching up"))
        }
        return checks
    }
}
