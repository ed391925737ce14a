-- Central database of the service-hall kiosks (PostgreSQL 12 or later).
--
-- Kiosks send their records here (`kioskctl upload`, or the kiosk's periodic upload) and
-- the centre loads USB bundles (`kioskctl ingest BUNDLE`).  Both insert with the record
-- UUID as the key and ON CONFLICT DO NOTHING, so a record arriving twice -- a batch
-- re-sent after a lost acknowledgement, a bundle of records that were uploaded too --
-- is stored once.
--
-- Run it as the database owner (or a superuser) on the kiosk database; it can be run
-- again safely:
--     createdb kiosk
--     psql -v ON_ERROR_STOP=1 -d kiosk -f kiosk-config/central-schema.sql
--
-- ---- Notes for the DBA ------------------------------------------------------------------
--
-- Roles.  kiosk_uploader and kiosk_ingest are NOLOGIN group roles holding the privileges.
-- Give every kiosk its own login role, a member of kiosk_uploader, so one kiosk's password
-- can be revoked alone and received_by shows who sent each row:
--     CREATE ROLE kiosk_ld01 LOGIN PASSWORD 'long random secret' IN ROLE kiosk_uploader
--         CONNECTION LIMIT 3;
-- The centre's operator who loads USB bundles:
--     CREATE ROLE centre_ingest LOGIN PASSWORD '…' IN ROLE kiosk_ingest;
-- Reports and statistics read through kiosk_reader:
--     CREATE ROLE centre_report LOGIN PASSWORD '…' IN ROLE kiosk_reader;
-- The kiosk role may only INSERT: it cannot read back, change or delete anything, so a
-- stolen kiosk gives away no one else's data.  That is also why the kiosk's INSERT says
-- "ON CONFLICT DO NOTHING" without a conflict target: "ON CONFLICT (record_uuid)" needs
-- SELECT on record_uuid.
--
-- Passwords: keep password_encryption = scram-sha-256 (the default since PostgreSQL 14)
-- and set passwords after that, so no md5 hash is stored.  On the kiosk, keep the password
-- out of kiosk.ini: put it in a passfile (mode 0600) named in the conninfo.
--
-- TLS.  Turn on ssl in postgresql.conf (ssl = on, ssl_cert_file, ssl_key_file) with a
-- certificate whose name is the host name the kiosks use, and give the kiosks the CA
-- certificate.  A kiosk's conninfo then reads:
--     host=db.centre.example dbname=kiosk user=kiosk_ld01 sslmode=verify-full
--     sslrootcert=/etc/kiosk/centre-ca.crt passfile=/etc/kiosk/pgpass
-- verify-full checks both the chain and the host name; anything weaker lets someone on
-- the hall's network read the personal data in transit.
--
-- pg_hba.conf: TLS only, SCRAM only, each kiosk role from its own hall's network, and
-- nothing else for these roles (first matching line wins):
--     # TYPE   DATABASE  USER            ADDRESS          METHOD
--     hostssl  kiosk     kiosk_ld01      10.20.1.0/24     scram-sha-256
--     hostssl  kiosk     kiosk_ld02      10.20.2.0/24     scram-sha-256
--     hostssl  kiosk     +kiosk_ingest   10.20.0.0/24     scram-sha-256
--     hostssl  kiosk     +kiosk_reader   10.20.0.0/24     scram-sha-256
--     host     all       +kiosk_uploader 0.0.0.0/0        reject
--     host     all       +kiosk_uploader ::/0             reject
-- ("+role" matches every member of the role.)  Reload with SELECT pg_reload_conf().
--
-- Trust: a kiosk role can insert rows naming any kiosk_id.  received_by records the login
-- role that actually inserted each row; check it against kiosk_id when in doubt.

BEGIN;

CREATE TABLE IF NOT EXISTS kiosk_records (
    record_uuid uuid        PRIMARY KEY,                  -- made on the kiosk
    kiosk_id    text        NOT NULL CHECK (kiosk_id <> ''),
    kind        text        NOT NULL CHECK (kind IN ('registration', 'checkin', 'job_interest',
                                                     'training_signup', 'consultation',
                                                     'queue_ticket')),
    created_at  timestamptz NOT NULL,                     -- when the person pressed Submit
    payload     jsonb       NOT NULL,                     -- the record's fields, as on the kiosk
    received_at timestamptz NOT NULL DEFAULT now(),
    source      text        NOT NULL DEFAULT 'upload'     -- 'upload' or 'bundle:<folder name>'
                CHECK (source = 'upload' OR source LIKE 'bundle:_%'),
    received_by text        NOT NULL DEFAULT current_user -- the login role that inserted it
);

CREATE INDEX IF NOT EXISTS kiosk_records_kiosk_created ON kiosk_records (kiosk_id, created_at);
CREATE INDEX IF NOT EXISTS kiosk_records_kind_created ON kiosk_records (kind, created_at);
CREATE INDEX IF NOT EXISTS kiosk_records_received ON kiosk_records (received_at);

-- The kiosks' event logs (start-ups, printer trouble, uploads …), which travel only in
-- USB bundles.  They never hold personal data.  A kiosk numbers its events; seq and at
-- together stay unique even if a kiosk's database is ever rebuilt and numbering restarts.
CREATE TABLE IF NOT EXISTS kiosk_events (
    kiosk_id    text        NOT NULL,
    seq         bigint      NOT NULL,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL,
    detail      text        NOT NULL DEFAULT '',
    bundle      text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk_id, seq, at)
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_uploader') THEN
        CREATE ROLE kiosk_uploader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_ingest') THEN
        CREATE ROLE kiosk_ingest NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_reader') THEN
        CREATE ROLE kiosk_reader NOLOGIN;
    END IF;
END
$$;

-- Start from nothing, then grant exactly what each role needs.  The tables have no
-- serial columns, so no sequence privileges are needed.
REVOKE ALL ON kiosk_records, kiosk_events FROM PUBLIC;
REVOKE ALL ON kiosk_records, kiosk_events FROM kiosk_uploader, kiosk_ingest, kiosk_reader;
GRANT USAGE ON SCHEMA public TO kiosk_uploader, kiosk_ingest, kiosk_reader;

-- Kiosks: insert records, nothing else (no SELECT, UPDATE, DELETE, TRUNCATE).
GRANT INSERT ON kiosk_records TO kiosk_uploader;
-- Bundle ingest at the centre: insert records and event logs, nothing else.
GRANT INSERT ON kiosk_records, kiosk_events TO kiosk_ingest;
-- Reports.
GRANT SELECT ON kiosk_records, kiosk_events TO kiosk_reader;

COMMIT;
