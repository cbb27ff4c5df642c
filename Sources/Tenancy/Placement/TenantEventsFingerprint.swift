public import Foundation
public import PostgresClient

/// What a tenant's events in one database add up to: their count and a SHA-256 over every
/// event's stream, version, id, type, data and metadata in stream order. Positions and record
/// times differ between copies and are left out; everything a reader sees is in.
public struct TenantEventsFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let count: Int64
    /// Lowercase hex.
    public let checksum: String

    public init(count: Int64, checksum: String) {
        self.count = count
        self.checksum = checksum
    }

    /// Computes the fingerprint of `tenant`'s events on `pool` (a role that can read them all:
    /// the operator, or the tenant's own context).
    public static func of(_ tenant: UUID, on pool: PostgresPool) async throws -> TenantEventsFingerprint {
        let row = try await pool.query(statement(tenant)).rows.first
        guard let (count, checksum) = try row?.decode((Int64, String).self) else {
            throw PostgresError.misuse("the fingerprint query returned no row")
        }
        return TenantEventsFingerprint(count: count, checksum: checksum)
    }

    /// The fingerprint of `tenant`'s events up to each stream's version in `versions` (events of
    /// streams not named are left out): a copy that goes on taking events compared with the
    /// frozen copy it was made from.
    public static func of(_ tenant: UUID, upTo versions: [String: Int64], on pool: PostgresPool) async throws -> TenantEventsFingerprint {
        let streams = versions.keys.sorted()
        let limits = streams.map { versions[$0] ?? 0 }
        let row = try await pool.query("""
            SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(
                       e.stream_name || '/' || e.stream_version || '/' || e.event_id || '/' || e.event_type || '/'
                       || e.data::text || '/' || e.metadata::text, E'\\n' ORDER BY e.stream_name, e.stream_version), ''), 'UTF8')), 'hex')
            FROM unnest(\(streams)::text[], \(limits)::bigint[]) AS m(stream_name, version)
            JOIN tenantry.events e ON e.tenant_id = \(tenant) AND e.stream_name = m.stream_name AND e.stream_version <= m.version
            """).rows.first
        guard let (count, checksum) = try row?.decode((Int64, String).self) else {
            throw PostgresError.misuse("the fingerprint query returned no row")
        }
        return TenantEventsFingerprint(count: count, checksum: checksum)
    }

    public var description: String { "\(count) events, sha256 \(checksum.prefix(12))…" }

    static func statement(_ tenant: UUID) -> PostgresQuery {
        """
        SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(
                   stream_name || '/' || stream_version || '/' || event_id || '/' || event_type || '/'
                   || data::text || '/' || metadata::text, E'\\n' ORDER BY stream_name, stream_version), ''), 'UTF8')), 'hex')
        FROM tenantry.events WHERE tenant_id = \(tenant)
        """
    }
}
