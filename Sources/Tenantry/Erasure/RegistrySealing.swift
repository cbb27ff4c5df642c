import EventStore
import Foundation
import PostgresClient
import Provisioning
import Schema

/// Seals the personal fields of a tenant's registry events written before they were marked
/// personal (migration 0113): TenantRegistered's name and email, TenantAttributesChanged's set.
/// Run before a forgetting, so that destroying the tenant's key erases those too. Acting as the
/// schema owner, in one transaction: the key is found or created, each event's fields are
/// sealed here and stored in place by `tenantry.seal_registry_personal_data`, which checks that
/// nothing else changes.
struct RegistrySealing {
    let administrator: PostgresConfiguration

    /// The fields each registry event type holds in clear when written before 0113.
    static let fields: [String: [String]] = ["TenantRegistered": ["email", "name"], "TenantAttributesChanged": ["set"]]

    /// Seals what is still clear; returns how many events it sealed.
    func sealClearFields(of tenant: UUID) async throws -> Int {
        try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.owner)) { connection in
            try await connection.transaction { connection in
                try connection.query(Self.bindControlPlane)
                var sealed = 0
                for row in try connection.query(Self.clearEvents(of: tenant)).rows {
                    let (id, type, data) = try row.decode((UUID, String, String).self)
                    guard let fields = Self.fields[type] else { continue }
                    let sealedData = try EventLog.sealing(
                        data, fields: fields, eventID: id, eventTenant: ControlPlane.tenantID, type: type, owner: tenant, on: connection)
                    if try connection.query(Self.store(tenant, event: id, sealed: sealedData)).rows.first?.decode(Bool.self) == true {
                        sealed += 1
                    }
                }
                return sealed
            }
        }
    }

    private static let bindControlPlane: PostgresQuery =
        "SELECT set_config('tenantry.tenant_id', '00000000-0000-0000-0000-000000000000', true)"

    private static func clearEvents(of tenant: UUID) -> PostgresQuery {
        """
        SELECT event_id, event_type, data::text FROM tenantry.events
        WHERE tenant_id = '00000000-0000-0000-0000-000000000000' AND stream_name = 'tenant-' || \(tenant)::text
          AND ((event_type = 'TenantRegistered' AND NOT data -> 'email' ? '$personal')
               OR (event_type = 'TenantAttributesChanged' AND NOT data -> 'set' ? '$personal'))
        ORDER BY stream_version
        """
    }

    private static func store(_ tenant: UUID, event: UUID, sealed: String) -> PostgresQuery {
        "SELECT tenantry.seal_registry_personal_data(\(tenant), \(event), \(sealed)::jsonb)"
    }
}
