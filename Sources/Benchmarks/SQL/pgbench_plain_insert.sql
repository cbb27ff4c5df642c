-- Reference B of bench eventstore (a pgbench script): the same row, inserted plainly into a
-- copy of the table. pgbench keeps variables per client across transactions, so version
-- numbers each client's stream.
\set version :version + 1
INSERT INTO public.bench_plain_events (tenant_id, stream_name, stream_version, event_id, event_type, data) VALUES (:tenant::uuid, 'benchpg-' || :client_id, :version, gen_random_uuid(), 'Benchmarked', '{"n": 1}'::jsonb);
