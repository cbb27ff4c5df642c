import Foundation
import PostgresClient

/// Every statement the benchmarks run themselves, by name (what a reference tool runs is in
/// `SQL/`): set-up and clean-up as the superuser, the settling between measurements, and the
/// padding of a long stream.
enum BenchStatements {
    /// Set-up of `bench eventstore` (`SQL/eventstore_setup.sql`): the plain table of the INSERT
    /// reference, and autovacuum off for the tables measured.
    static var eventStoreSetup: String { String(decoding: PackageResources.eventstore_setup_sql, as: UTF8.self) }

    static let isSuperuser: PostgresQuery = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"

    /// Drops a benchmark database, ending its sessions; nothing when there is none.
    static func dropDatabase(_ name: String) -> PostgresQuery {
        "DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)"
    }

    static func createDatabase(_ name: String) -> PostgresQuery {
        "CREATE DATABASE \(identifier: name)"
    }

    /// The dedicated databases the tenants of a run were given.
    static let dedicatedDatabases: PostgresQuery = "SELECT database_name FROM tenantry.tenant_placements WHERE database_name IS NOT NULL"

    /// The INSERT reference's table (`SQL/eventstore_setup.sql`).
    static let plainTable = "public.bench_plain_events"

    /// The rows of earlier INSERT runs, whose stream versions start again at 1 in each run; the
    /// preloaded rows stay (the settling vacuum then clears the deleted ones).
    static let removePlainInserts: PostgresQuery = "DELETE FROM public.bench_plain_events WHERE stream_name LIKE 'benchpg-%'"

    /// Statistics current and hint bits set before a measurement of the event store.
    static let vacuumEventStore: PostgresQuery = "VACUUM (ANALYZE) tenantry.events, tenantry.streams"
    /// The same, with the INSERT reference's table.
    static let vacuumEventStoreAndPlainTable: PostgresQuery = "VACUUM (ANALYZE) tenantry.events, tenantry.streams, public.bench_plain_events"
    static let checkpoint: PostgresQuery = "CHECKPOINT"

    /// How many events `readAll` may hand out now (none newer than the oldest open
    /// transaction), and how many there are.
    static let deliverableEvents: PostgresQuery = """
        SELECT count(*) FILTER (WHERE transaction_id < (SELECT tenantry.feed_horizon())), count(*)
        FROM tenantry.events
        """

    static let serverVersion: PostgresQuery = "SELECT current_setting('server_version')"

    /// The current values of the server settings `names`.
    static func settings(_ names: [String]) -> PostgresQuery {
        "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(\(names))"
    }

    /// One notification on the propagation reference's channel.
    static func notify(_ payload: String) -> PostgresQuery {
        "SELECT pg_notify('tenantry_bench_propagation', \(payload))"
    }

    /// Locks a stream's row for padding; its version.
    static func lockStream(_ stream: String, tenant: UUID) -> PostgresQuery {
        "SELECT version FROM tenantry.streams WHERE tenant_id = \(tenant) AND stream_name = \(stream) FOR UPDATE"
    }

    /// `count` TenantAttributesChanged events appended after version `current`, as if the tenant
    /// had made them (inserted as the superuser: far faster than appending them one by one).
    static func padStream(_ stream: String, tenant: UUID, after current: Int64, count: Int64) -> PostgresQuery {
        """
        INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
        SELECT \(tenant)::uuid, \(stream)::text, \(current)::bigint + g, gen_random_uuid(), 'TenantAttributesChanged',
               jsonb_build_object('set', jsonb_build_object('bench', g), 'removed', '[]'::jsonb),
               '{"actor": "bench", "reason": "padding"}'::jsonb
        FROM generate_series(1::bigint, \(count)::bigint) AS g
        """
    }

    /// Moves a padded stream's version to `version`.
    static func advanceStream(_ stream: String, tenant: UUID, to version: Int64) -> PostgresQuery {
        """
        UPDATE tenantry.streams SET version = \(version)::bigint, updated_at = now()
        WHERE tenant_id = \(tenant) AND stream_name = \(stream)
        """
    }

    /// `tenantry bench scale`'s growth: events `from` up to (not including) `to`, in streams of
    /// 100 (`item-<n>`, versions 1…100), stream n belonging to tenant n % `tenants` (a UUID made
    /// from the number), with their stream rows; as the superuser, a set-up step.
    static func fillScaleStore(from: Int64, to: Int64, tenants: Int64) -> PostgresQuery {
        fillItemStreams(from: from, to: to, tenants: tenants, tenant: nil)
    }

    /// `tenantry bench cells`' tenant to move: its events `from` up to (not including) `to`, in
    /// streams of 100 as `fillScaleStore` makes them, all of them `tenant`'s.
    static func fillTenant(_ tenant: UUID, from: Int64, to: Int64) -> PostgresQuery {
        fillItemStreams(from: from, to: to, tenants: 1, tenant: tenant)
    }

    /// Streams of 100 events `item-<g / 100>` for g in `from..<to`, with their stream rows: each
    /// `tenant`'s, or with none, tenant (g / 100) % `tenants`'s.
    private static func fillItemStreams(from: Int64, to: Int64, tenants: Int64, tenant: UUID?) -> PostgresQuery {
        """
        WITH filled AS (
            INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
            SELECT coalesce(\(tenant)::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex((g / 100) % \(tenants)::bigint), 12, '0'))::uuid),
                   'item-' || (g / 100), g % 100 + 1, gen_random_uuid(), 'ItemRecorded',
                   jsonb_build_object('n', g, 'note', 'scale benchmark padding'), '{"actor": "bench"}'::jsonb
            FROM generate_series(\(from)::bigint, \(to)::bigint - 1) AS g
            RETURNING tenant_id, stream_name, stream_version
        )
        INSERT INTO tenantry.streams (tenant_id, stream_name, version)
        SELECT tenant_id, stream_name, max(stream_version) FROM filled GROUP BY tenant_id, stream_name
        ON CONFLICT (tenant_id, stream_name)
        DO UPDATE SET version = greatest(tenantry.streams.version, EXCLUDED.version), updated_at = now()
        """
    }

    /// How many events `tenant` has in the database (as the superuser: every row).
    static func tenantEventCount(_ tenant: UUID) -> PostgresQuery {
        "SELECT count(*) FROM tenantry.events WHERE tenant_id = \(tenant)"
    }

    /// psql's copy of one tenant's events to /dev/null: the columns a move between cells reads,
    /// in its order (stream and version), as `tenantry bench cells`' reference.
    static func copyTenantOut(_ tenant: UUID) -> String {
        "\\copy (SELECT position, transaction_id, tenant_id, stream_name, stream_version, event_id, event_type, data, metadata, recorded_at "
            + "FROM tenantry.events WHERE tenant_id = '\(tenant.uuidString.lowercased())' ORDER BY stream_name, stream_version) to '/dev/null'"
    }

    /// The stream `tenantry bench scale` reads: `count` events of one tenant's `ledger-1`.
    static func fillLedger(tenant: UUID, count: Int64) -> PostgresQuery {
        """
        WITH filled AS (
            INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
            SELECT \(tenant)::uuid, 'ledger-1', g, gen_random_uuid(), 'EntryRecorded',
                   jsonb_build_object('n', g, 'note', 'scale benchmark ledger'), '{"actor": "bench"}'::jsonb
            FROM generate_series(1::bigint, \(count)::bigint) AS g
            RETURNING tenant_id
        )
        INSERT INTO tenantry.streams (tenant_id, stream_name, version)
        SELECT DISTINCT tenant_id, 'ledger-1', \(count)::bigint FROM filled
        """
    }
}
