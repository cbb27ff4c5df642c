public import EventStore
import Foundation
public import PostgresClient

/// Keeps `tenantry.tenants`, the registry operators list and search, from the tenant streams.
/// Runs as `tenantry_operator`. For each tenant a batch touches, it folds that tenant's whole
/// stream again and writes the row, so applying is idempotent and a row is never half right.
public struct TenantsProjection: Projection {
    public let name = "tenants"
    public let filter = EventFilter(tenantID: ControlPlane.tenantID, categories: ["tenant"])
    private let store: EventStore

    public init(store: EventStore) {
        self.store = store
    }

    public func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        var touched: [String] = []
        for event in events where !touched.contains(event.stream) {
            touched.append(event.stream)
        }
        for streamName in touched {
            let stream = try StreamName(streamName)
            let history = try await store.readStream(stream, tenant: ControlPlane.tenantID, limit: 100_000, on: connection)
            guard let state = try TenantService.fold(history) else { continue }
            try await connection.query("""
                INSERT INTO tenantry.tenants
                    (tenant_id, slug, name, email, state, plan, isolation, trial_ends_at, failure_reason, compensation_owed,
                     created_at, updated_at, version)
                VALUES (\(state.id), \(state.slug), \(state.name), \(state.email), \(state.status.rawValue), \(state.plan.rawValue),
                        \(state.isolation.rawValue), \(state.trialEndsAt), \(state.failureReason), \(!state.compensationsOwed.isEmpty),
                        \(state.createdAt), \(state.updatedAt), \(state.version))
                ON CONFLICT (tenant_id) DO UPDATE SET
                    slug = excluded.slug, name = excluded.name, email = excluded.email, state = excluded.state,
                    plan = excluded.plan, isolation = excluded.isolation, trial_ends_at = excluded.trial_ends_at,
                    failure_reason = excluded.failure_reason, compensation_owed = excluded.compensation_owed, updated_at = excluded.updated_at, version = excluded.version
                """)
        }
    }

    public func reset(in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM tenantry.tenants")
    }
}
