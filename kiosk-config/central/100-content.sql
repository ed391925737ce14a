-- 100 — content the centre publishes to the kiosks: jobs, trainings, activities, study
-- materials (with their pictures), places (the station network), services, and the
-- district's settings (certificate_pattern).
--
-- Written by `kioskctl centre publish KIND FILE [--hall H]` and `centre set` (an admin
-- login, member of kiosk_admin); read by the kiosks through kiosk_content_since() only
-- (101-directory.sql, which also folds in what the centre derives from the records).
--
-- Every SECURITY DEFINER function searches pg_temp last (search_path … pg_temp):
-- otherwise a kiosk's session could put a temporary table of the same name in front of
-- a table such a function reads or writes.
--
-- One table for every kind: a row is (kind, target, id) with its fields as the kiosk's
-- importer normalised them (jsonb, column name → value), a withdrawn flag and a change
-- counter from one sequence.  target '' is the whole district; otherwise a hall id, and
-- the row reaches the kiosks of that hall and of the halls below it.  Publishing a file
-- replaces the kind's set for its target: rows the file no longer has are withdrawn,
-- never deleted, so a kiosk that pulls later still learns of the withdrawal.
--
-- Kiosks pull the rows whose counter is above the last one they applied.  That is only
-- safe if counters become visible in counter order: every writer of counters takes the
-- transaction lock content_lock() before drawing one, so two publishes never interleave
-- and a pull never sees a counter before a smaller one is committed.

CREATE SEQUENCE content_counter AS bigint;

CREATE TABLE content_rows (
    kind         text        NOT NULL CHECK (kind IN ('jobs', 'trainings', 'activities',
                                                      'materials', 'places', 'services',
                                                      'settings')),
    target       text        NOT NULL DEFAULT '',  -- '' district-wide, else a hall id
    id           text        NOT NULL CHECK (id <> '' AND octet_length(id) <= 64),
    data         jsonb       NOT NULL,
    withdrawn    boolean     NOT NULL DEFAULT false,
    counter      bigint      NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by text        NOT NULL DEFAULT current_user,
    PRIMARY KEY (kind, target, id),
    CONSTRAINT content_rows_target CHECK (target = '' OR target ~ '^[A-Za-z0-9_-]{1,32}$')
);
CREATE UNIQUE INDEX content_rows_counter ON content_rows (counter);
-- One live row per kind and id across the targets: a kiosk keys its content by id.
CREATE UNIQUE INDEX content_rows_live_id ON content_rows (kind, id) WHERE NOT withdrawn;

-- The lock every writer of content counters holds until it commits (see above).
CREATE FUNCTION content_lock() RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(4242100)
$$;

-- The halls whose content reaches hall h: h and every hall above it.
CREATE FUNCTION content_halls_of(h text) RETURNS SETOF text
    LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    WITH RECURSIVE up(hall_id, parent_id) AS (
        SELECT hall_id, parent_id FROM halls WHERE hall_id = h
        UNION
        SELECT p.hall_id, p.parent_id FROM halls p JOIN up ON p.hall_id = up.parent_id)
    SELECT hall_id FROM up
$$;

-- Who the session's kiosk is, for the kiosk's pull: its id, hall and ticket prefix.
-- Refuses a login that belongs to no kiosk in service.
CREATE FUNCTION kiosk_whoami(OUT kiosk_id text, OUT hall_id text, OUT ticket_prefix text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    SELECT k.kiosk_id, k.hall_id, k.ticket_prefix INTO kiosk_id, hall_id, ticket_prefix
      FROM kiosks k WHERE k.login_role = session_user AND k.retired_at IS NULL;
    IF kiosk_id IS NULL THEN
        RAISE EXCEPTION 'the login % is not registered for a kiosk in service', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

REVOKE ALL ON content_rows FROM PUBLIC;
REVOKE ALL ON FUNCTION kiosk_whoami(), content_lock(), content_halls_of(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kiosk_whoami() TO kiosk_uploader;
GRANT EXECUTE ON FUNCTION content_lock(), content_halls_of(text) TO kiosk_admin;
GRANT SELECT, INSERT, UPDATE ON content_rows TO kiosk_admin;
GRANT USAGE ON SEQUENCE content_counter TO kiosk_admin;
GRANT SELECT ON content_rows TO kiosk_reader;
