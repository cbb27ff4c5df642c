import EventStore
import Logging
import PostgresClient
import Schema
import Tenantry

/// What `/readyz` checks: the database answers, its schema has every migration this release
/// knows, and each subscription the server depends on (`SubscriptionLag`) has caught up once
/// and has not stayed more than `maximumLag` events behind the feed for longer than the lag
/// watch's grace (`LagWatch`). A database error is reported as "unreachable" only and logged,
/// since the endpoint is unauthenticated.
struct ReadinessChecks: Sendable {
    let runtime: TenantryRuntime
    let views: LiveViews
    let maximumLag: Int
    let lagWatch: LagWatch
    let logger: Logger

    /// Every check, in a stable order: database, migrations (when the database answered), then
    /// each subscription.
    func run() async -> [ReadinessCheck] {
        var checks: [ReadinessCheck] = []
        do {
            let pending = try await runtime.operatorPool.withConnection { connection in
                try await DatabaseMigrator().pending(on: connection)
            }
            checks.append(ReadinessCheck(name: "database", passed: true, detail: "reachable"))
            checks.append(ReadinessCheck(
                name: "migrations", passed: pending.isEmpty,
                detail: pending.isEmpty ? "current" : "pending: " + pending.map { "\($0.version) \($0.name)" }.joined(separator: ", ") + "; run tenantry migrate"
            ))
        } catch {
            logger.error("readiness: the database is unreachable", metadata: ["error": "\(error)"])
            checks.append(ReadinessCheck(name: "database", passed: false, detail: "unreachable"))
        }
        let lag = SubscriptionLag(views: views, operatorStore: runtime.operatorEventStore, servesInstance: runtime.servesInstance)
        do {
            // One more than the limit, so "over the limit" is told apart from "at it".
            for measurement in try await lag.measure(limit: maximumLag + 1) {
                checks.append(check(measurement))
            }
        } catch {
            lagWatch.reset()
            logger.error("readiness: the subscriptions' lag could not be measured", metadata: ["error": "\(error)"])
            for name in lag.names {
                checks.append(ReadinessCheck(name: name, passed: false, detail: "unknown: the database is unreachable"))
            }
        }
        return checks
    }

    private func check(_ measurement: SubscriptionLag.Measurement) -> ReadinessCheck {
        guard measurement.hasCaughtUp else {
            return ReadinessCheck(name: measurement.name, passed: false, detail: "catching up")
        }
        let overFor = lagWatch.observe(measurement.name, isOver: measurement.behind > maximumLag)
        if measurement.behind > maximumLag {
            guard overFor < lagWatch.grace else {
                return ReadinessCheck(
                    name: measurement.name, passed: false,
                    detail: "more than \(maximumLag) events behind the feed for more than \(lagWatch.grace.seconds) s")
            }
            return ReadinessCheck(
                name: measurement.name, passed: true,
                detail: "catching up: more than \(maximumLag) events behind the feed for \(overFor.seconds) s (\(lagWatch.grace.seconds) s allowed)")
        }
        let detail = measurement.behind == 0 ? "caught up" : "\(measurement.behind) events behind the feed (at most \(maximumLag) allowed)"
        return ReadinessCheck(name: measurement.name, passed: true, detail: detail)
    }
}

extension Duration {
    /// Whole seconds, for messages.
    fileprivate var seconds: Int64 { components.seconds }
}
