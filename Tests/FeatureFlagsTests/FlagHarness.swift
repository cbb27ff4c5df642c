import EventStore
import FeatureFlags
import PostgresClient
import TestSupport

/// The flag service as the runtime wires it, without the runtime: flags are control-plane
/// streams written and read as `tenantry_operator`; tenants' own writes go through `tenantry_app`.
struct FlagHarness: Sendable {
    let flags: FlagService
    /// Acting as `tenantry_operator`: the control plane, every tenant.
    let operatorEventStore: EventLog
    /// Acting as `tenantry_app`: one tenant per transaction.
    let eventStore: EventLog
}

/// Runs `body` with a flag service on a fresh test database.
func withFlagHarness(_ body: (FlagHarness, TestDatabase) async throws -> Void) async throws {
    try await withEventStore { operatorStore, database async throws in
        let application = database.applicationPool(maximumConnections: 4)
        let harness = FlagHarness(flags: FlagService(store: operatorStore), operatorEventStore: operatorStore, eventStore: EventLog(pool: application))
        do {
            try await body(harness, database)
            await application.close()
        } catch {
            await application.close()
            throw error
        }
    }
}
