-- Reference A of bench eventstore (a pgbench script): the very function Tenantry calls, with
-- the same single event, from C.
SELECT * FROM tenantry.append_events(:tenant::uuid, 'benchpg-' || :client_id, NULL, jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'type', 'Benchmarked', 'data', '{"n": 1}'::jsonb)));
