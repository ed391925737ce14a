-- 002 — the registry: the district's halls (three levels) and its kiosks, each with the
-- database login it sends with and the Ed25519 public keys it has signed with.
--
-- Written by `kioskctl centre add-hall`, `add-kiosk` and `retire-kiosk` (an admin login,
-- member of kiosk_admin).  Read by everything that must know which kiosk a row came from:
-- a kiosk login is mapped to its kiosk by session_kiosk(), never by a column it sends.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_admin') THEN
        CREATE ROLE kiosk_admin NOLOGIN;
    END IF;
END
$$;

CREATE TABLE halls (
    hall_id    text        PRIMARY KEY CHECK (hall_id ~ '^[A-Za-z0-9_-]{1,32}$'),
    name       text        NOT NULL CHECK (name <> ''),
    level      text        NOT NULL CHECK (level IN ('district', 'street', 'community')),
    parent_id  text        REFERENCES halls (hall_id),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Only the district centre stands at the top.
    CONSTRAINT halls_parent_level CHECK ((level = 'district') = (parent_id IS NULL))
);

-- A street/town centre belongs to the district centre, a community station to a street
-- centre: the levels are what reports roll figures up by.
CREATE FUNCTION halls_check_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p text;
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT level INTO p FROM halls WHERE hall_id = NEW.parent_id;
    IF p IS NULL THEN
        RAISE EXCEPTION 'the parent hall % is not registered', NEW.parent_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF (NEW.level = 'street' AND p IS DISTINCT FROM 'district') OR
       (NEW.level = 'community' AND p IS DISTINCT FROM 'street') THEN
        RAISE EXCEPTION 'a % hall belongs to a % hall, and % is a %', NEW.level,
            CASE NEW.level WHEN 'street' THEN 'district' ELSE 'street' END,
            NEW.parent_id, p
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER halls_check_parent BEFORE INSERT OR UPDATE ON halls
    FOR EACH ROW EXECUTE FUNCTION halls_check_parent();

CREATE TABLE kiosks (
    kiosk_id      text        PRIMARY KEY CHECK (kiosk_id ~ '^[A-Za-z0-9_-]{1,63}$'),
    hall_id       text        NOT NULL REFERENCES halls (hall_id),
    login_role    name        NOT NULL,   -- the database login the kiosk sends with
    public_key    text        NOT NULL,   -- current Ed25519 key, base64 (kioskctl identity)
    key_id        text        NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
    ticket_prefix text        CHECK (ticket_prefix ~ '^[A-Z0-9]{1,3}$'),
    registered_at timestamptz NOT NULL DEFAULT now(),
    retired_at    timestamptz            -- set: the login may no longer send
);
-- One login belongs to one kiosk in service (a retired kiosk's login may be reused).
CREATE UNIQUE INDEX kiosks_login_in_service ON kiosks (login_role) WHERE retired_at IS NULL;
-- Two kiosks of one hall never hand out the same queue number.
CREATE UNIQUE INDEX kiosks_ticket_prefix ON kiosks (hall_id, ticket_prefix)
    WHERE retired_at IS NULL AND ticket_prefix IS NOT NULL;
CREATE INDEX kiosks_hall ON kiosks (hall_id);

-- Every key a kiosk has signed with, so receipts and bundles signed before a re-key
-- (add-kiosk --replace) keep verifying by their key id.
CREATE TABLE kiosk_keys (
    kiosk_id    text        NOT NULL REFERENCES kiosks (kiosk_id),
    key_id      text        NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
    public_key  text        NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    replaced_at timestamptz,
    PRIMARY KEY (kiosk_id, key_id)
);

-- The kiosk the session's login belongs to (NULL: none, or retired).  session_user, not
-- current_user: it is the login that authenticated, and SET ROLE does not change it.
-- SECURITY DEFINER so kiosk logins need no right to read the registry.
CREATE FUNCTION session_kiosk() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT kiosk_id FROM kiosks WHERE login_role = session_user AND retired_at IS NULL
$$;
-- The hall of that kiosk.
CREATE FUNCTION session_hall() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT hall_id FROM kiosks WHERE login_role = session_user AND retired_at IS NULL
$$;
REVOKE ALL ON FUNCTION session_kiosk(), session_hall() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_kiosk(), session_hall() TO kiosk_uploader;

REVOKE ALL ON halls, kiosks, kiosk_keys FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON halls, kiosks, kiosk_keys TO kiosk_admin;
GRANT SELECT ON halls, kiosks, kiosk_keys TO kiosk_reader, kiosk_ingest;
-- Full data, for the admin only (analysts get masked views, a later migration).
GRANT SELECT ON kiosk_records, kiosk_events TO kiosk_admin;
GRANT USAGE ON SCHEMA public TO kiosk_admin;
