public import Foundation
public import PostgresClient
import Schema

/// Forgets a tenant's personal data in one database (crypto-shredding, Decision 31): runs
/// `tenantry.forget_personal_data` (migration 0113) acting as the schema owner, which destroys
/// the tenant's data keys (or one data subject's), deletes the snapshots that may hold what they
/// sealed folded in clear, and, in the platform's database, records TenantPersonalDataForgotten
/// in the control plane, all in one transaction. `vacuum` then removes the dead row versions
/// the forgetting left behind, as far as no older transaction still needs them (the freed
/// space is not zeroed, and WAL segments keep the bytes until they are recycled).
public struct PersonalDataErasure: Sendable {
    /// A login that may act as `tenantry_owner` on the database.
    public let administrator: PostgresConfiguration

    public init(administrator: PostgresConfiguration) {
        self.administrator = administrator
    }

    /// What one database's forgetting did.
    public struct Receipt: Sendable, Hashable {
        /// Keys destroyed now (0 when they already were).
        public let keys: Int64
        /// Snapshots deleted.
        public let snapshots: Int64

        public init(keys: Int64, snapshots: Int64) {
            self.keys = keys
            self.snapshots = snapshots
        }
    }

    /// Forgets `tenant`'s keys (every one, or those of `subject`); with
    /// `recordingInControlPlane`, the control plane's tenant stream records who and why.
    public func forget(
        _ tenant: UUID, subject: String?, actor: String, reason: String, recordingInControlPlane: Bool
    ) async throws -> Receipt {
        do {
            return try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.owner)) { connection in
                let row = try await connection.query(Self.forgetStatement(
                    tenant, subject: subject, actor: actor, reason: reason, record: recordingInControlPlane
                )).rows.first
                guard let (keys, snapshots) = try row?.decode((Int64, Int64).self) else {
                    throw PostgresError.misuse("forget_personal_data returned no row")
                }
                return Receipt(keys: keys, snapshots: snapshots)
            }
        } catch let error as PostgresError where error.sqlState?.rawValue == "42501" {
            throw Refusal(description: "this login may not act as the schema owner, which alone may destroy keys; run tenantry tenant forget with the administrator's URL")
        } catch let error as PostgresError where ["TY004", "TY008"].contains(error.sqlState?.rawValue ?? "") {
            throw Refusal(description: error.message)
        }
    }

    /// Why a forgetting was refused (no actor or reason, the control plane, a login that may
    /// not act as the owner): nothing was destroyed.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Vacuums the tables forgetting changes (`tables` beside the keys and the snapshots, e.g.
    /// a read model that held the tenant's name), so dead versions of destroyed keys and erased
    /// rows are not kept as rows. Outside any transaction, as VACUUM must be.
    public func vacuum(alsoOf tables: [VacuumedTable] = []) async throws {
        try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.owner)) { connection in
            for table in [VacuumedTable.personalDataKeys, .snapshots] + tables {
                try await connection.query(table.vacuumStatement)
            }
        }
    }

    /// A table forgetting may leave dead versions of personal data in.
    public struct VacuumedTable: Sendable, Hashable {
        let vacuumStatement: PostgresQuery

        static let personalDataKeys = VacuumedTable(vacuumStatement: "VACUUM tenantry.personal_data_keys")
        static let snapshots = VacuumedTable(vacuumStatement: "VACUUM tenantry.snapshots")
        /// The tenant registry (migration 0200).
        public static let tenantRegistry = VacuumedTable(vacuumStatement: "VACUUM tenantry.tenants")
        /// The events, after registry events' fields written in clear were sealed in place.
        public static let events = VacuumedTable(vacuumStatement: "VACUUM tenantry.events")
    }

    static func forgetStatement(_ tenant: UUID, subject: String?, actor: String, reason: String, record: Bool) -> PostgresQuery {
        """
        SELECT forgotten_keys, erased_snapshots
        FROM tenantry.forget_personal_data(\(tenant), \(subject)::text, \(actor), \(reason), \(record))
        """
    }
}
