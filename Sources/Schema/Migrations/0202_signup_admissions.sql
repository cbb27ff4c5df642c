-- 0202 signup admissions
--
-- Self-serve signups admitted per client, in the control plane so that every server shares
-- the limits (SignupAdmissions). A client is a SHA-256 of its network (an IPv4 address, an
-- IPv6 /64), never the address itself, and a row is kept only as long as the window counts
-- it. admit_signup takes a per-client advisory lock, so concurrent signups of one client on
-- any number of servers are counted one after the other and the limits are exact.

CREATE TABLE tenantry.signup_admissions (
    admission_id  uuid        PRIMARY KEY,
    client_digest text        NOT NULL CHECK (client_digest ~ '^[0-9a-f]{64}$'),
    admitted_at   timestamptz NOT NULL DEFAULT now(),
    claimed_at    timestamptz
);
CREATE INDEX signup_admissions_by_client ON tenantry.signup_admissions (client_digest, admitted_at);
CREATE INDEX signup_admissions_by_age ON tenantry.signup_admissions (admitted_at);

-- Admits one signup of `client` unless, within `window`, the client already had
-- `per_window` signups or has `unclaimed` signups whose first API key was not taken yet.
-- Returns whether it was admitted, else which limit refused it and when a slot frees up.
CREATE FUNCTION tenantry.admit_signup(
    admission uuid, client text, signup_window interval, per_window integer, unclaimed integer
) RETURNS TABLE (admitted boolean, refused_by text, retry_after_seconds integer)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    since constant timestamptz := now() - signup_window;
    recent integer;
    open_claims integer;
    oldest timestamptz;
    oldest_open timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(727276, hashtext(client));
    -- Rows past the window count for nobody: this client's go now, a few of others' too.
    DELETE FROM tenantry.signup_admissions s
    WHERE s.admission_id IN (
        SELECT a.admission_id FROM tenantry.signup_admissions a WHERE a.admitted_at < since LIMIT 100
    );
    SELECT count(*), count(*) FILTER (WHERE a.claimed_at IS NULL),
           min(a.admitted_at), min(a.admitted_at) FILTER (WHERE a.claimed_at IS NULL)
    INTO recent, open_claims, oldest, oldest_open
    FROM tenantry.signup_admissions a
    WHERE a.client_digest = client AND a.admitted_at >= since;
    IF recent >= per_window THEN
        RETURN QUERY SELECT false, 'per_window'::text,
            greatest(1, ceil(extract(epoch FROM oldest + signup_window - now())))::integer;
    ELSIF open_claims >= unclaimed THEN
        RETURN QUERY SELECT false, 'unclaimed'::text,
            greatest(1, ceil(extract(epoch FROM oldest_open + signup_window - now())))::integer;
    ELSE
        INSERT INTO tenantry.signup_admissions (admission_id, client_digest) VALUES (admission, client);
        RETURN QUERY SELECT true, NULL::text, 0;
    END IF;
END;
$$;

-- The signup's first API key was taken: it no longer counts as unclaimed.
CREATE FUNCTION tenantry.claim_signup(admission uuid) RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE tenantry.signup_admissions SET claimed_at = now()
    WHERE admission_id = admission AND claimed_at IS NULL;
$$;

REVOKE ALL ON FUNCTION tenantry.admit_signup(uuid, text, interval, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.claim_signup(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.admit_signup(uuid, text, interval, integer, integer) TO tenantry_operator;
GRANT EXECUTE ON FUNCTION tenantry.claim_signup(uuid) TO tenantry_operator;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.signup_admissions TO tenantry_operator;
