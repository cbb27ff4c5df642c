-- bench eventstore, before anything is loaded or measured (as the superuser, in tenantry_bench).

-- The INSERT reference writes here: tenantry.events' columns, defaults, identity, generated
-- column and indexes, but none of its CHECK constraints, triggers or privileges, so a bare
-- INSERT is what it costs.
CREATE TABLE public.bench_plain_events (
    LIKE tenantry.events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING INDEXES
);

-- The benchmark vacuums and analyzes before every measurement instead (settle), so autovacuum
-- cannot land inside one side's measurement and not the other's.
ALTER TABLE tenantry.events SET (autovacuum_enabled = off);
ALTER TABLE tenantry.streams SET (autovacuum_enabled = off);
ALTER TABLE public.bench_plain_events SET (autovacuum_enabled = off);
