import Foundation
import PostgresClient
import Schema
import TestSupport
import Testing

/// Migration 0115: an instance's login reads the control plane's `customization-<id>` streams
/// (the installed WebAssembly modules), and nothing more than before.
@Suite("What an instance's login reads on the control plane")
struct InstanceReadsCustomizationsTests {
    private static let controlPlane = "00000000-0000-0000-0000-000000000000"

    @Test("an instance's login reads customization-* streams besides its own tenant's rows, never another tenant's nor tenantcustomization-x; other logins see no module")
    func readsModulesOnly() async throws {
        try await withTestDatabase { database async throws in
            let own = UUID().uuidString.lowercased()
            let other = UUID().uuidString.lowercased()
            try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                for stream in ["tenant-\(own)", "instance-\(own)", "tenant-\(other)", "instance-\(other)", "customization-acme-rules",
                               "tenantcustomization-x", "admintoken-x"]
                {
                    _ = try await connection.query("SELECT stream_version FROM tenantry.append_control_events(\(stream), NULL, \(Self.event()))")
                }
                for tenant in [own, other] {
                    _ = try await connection.query("SELECT stream_version FROM tenantry.append_events(\(tenant)::uuid, 'doc-1', NULL, \(Self.event()))")
                }
            }
            let role = "tenantry_instance_schema_" + UUID().uuidString.lowercased().prefix(8)
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                _ = try await connection.query("CREATE ROLE \(identifier: role) LOGIN IN ROLE \(identifier: DatabaseRoles.instance)")
                _ = try await connection.query("GRANT CONNECT ON DATABASE \(identifier: database.name) TO \(identifier: role)")
                _ = try await connection.query(
                    "INSERT INTO tenantry.instance_logins (role_name, tenant_id, database_name) VALUES (\(role), \(own)::uuid, 'tenantry_t_schema')")
            }
            do {
                let instance = PostgresConfiguration(connectionString: TestCluster.cluster.connectionString(database: database.name, user: role))
                let seen = try await Self.streams(instance)
                #expect(Set(seen) == ["\(own) doc-1", "\(Self.controlPlane) customization-acme-rules", "\(Self.controlPlane) instance-\(own)",
                                      "\(Self.controlPlane) tenant-\(own)"])
                #expect(seen.count == 4)
                // The application role, even bound to the control plane's id, sees no module.
                let application = try await Self.streams(database.applicationConfiguration, tenant: Self.controlPlane)
                #expect(application.isEmpty, "\(application)")
                let tenantSession = try await Self.streams(database.applicationConfiguration, tenant: own)
                #expect(tenantSession == ["\(own) doc-1"])
            } catch {
                try await Self.drop(role, database)
                throw error
            }
            try await Self.drop(role, database)
        }
    }

    /// One event to append, as `append_events` takes it.
    private static func event() -> String {
        #"[{"id":"\#(UUID().uuidString.lowercased())","type":"Noted","data":{}}]"#
    }

    /// `tenant stream` of every event row `configuration`'s login sees (in a transaction bound to
    /// `tenant` when given).
    private static func streams(_ configuration: PostgresConfiguration, tenant: String? = nil) async throws -> [String] {
        try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.transaction { connection in
                if let tenant { _ = try connection.query("SELECT set_config('tenantry.tenant_id', \(tenant), true)") }
                return try connection.query("SELECT tenant_id::text || ' ' || stream_name FROM tenantry.events")
                    .rows.map { try $0.decode(String.self) }
            }
        }
    }

    private static func drop(_ role: String, _ database: TestDatabase) async throws {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            _ = try await connection.query("REVOKE CONNECT ON DATABASE \(identifier: database.name) FROM \(identifier: role)")
            _ = try await connection.query("DROP ROLE \(identifier: role)")
        }
    }
}
