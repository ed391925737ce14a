-- 001 — the central schema as it stood before migrations existed (it was
-- kiosk-config/central-schema.sql): the records table, the kiosks' event logs and the
-- group roles.  Written to apply over that schema as well as onto an empty database, so a
-- centre that ran the old file keeps its rows: every statement is "if not there yet".
--
-- The one change: the kind check accepts every record kind of the product (PRODUCT.md
-- "Records"), including the newer training_waitlist, evaluation, help_request and
-- study_view, replacing the older check of six kinds.
--
-- Applied by `kioskctl centre migrate` (see README.md beside this file), inside one
-- transaction; no BEGIN/COMMIT here.

CREATE TABLE IF NOT EXISTS kiosk_records (
    record_uuid uuid        PRIMARY KEY,                  -- made on the kiosk
    kiosk_id    text        NOT NULL CHECK (kiosk_id <> ''),
    kind        text        NOT NULL,
    created_at  timestamptz NOT NULL,                     -- when the person pressed Submit
    payload     jsonb       NOT NULL,                     -- the record's fields, as on the kiosk
    received_at timestamptz NOT NULL DEFAULT now(),
    source      text        NOT NULL DEFAULT 'upload'     -- 'upload' or 'bundle:<folder name>'
                CHECK (source = 'upload' OR source LIKE 'bundle:_%'),
    received_by text        NOT NULL DEFAULT current_user -- the login role that inserted it
);

ALTER TABLE kiosk_records DROP CONSTRAINT IF EXISTS kiosk_records_kind_check;
ALTER TABLE kiosk_records ADD CONSTRAINT kiosk_records_kind_check
    CHECK (kind IN ('registration', 'checkin', 'job_interest', 'training_signup',
                    'consultation', 'queue_ticket', 'training_waitlist', 'evaluation',
                    'help_request', 'study_view'));

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

-- Start from nothing, then grant exactly what each role needs.
REVOKE ALL ON kiosk_records, kiosk_events FROM PUBLIC;
REVOKE ALL ON kiosk_records, kiosk_events FROM kiosk_uploader, kiosk_ingest, kiosk_reader;
GRANT USAGE ON SCHEMA public TO kiosk_uploader, kiosk_ingest, kiosk_reader;

-- Kiosks: insert records, nothing else (later migrations narrow this further).
GRANT INSERT ON kiosk_records TO kiosk_uploader;
-- Bundle ingest at the centre: insert records and event logs, nothing else.
GRANT INSERT ON kiosk_records, kiosk_events TO kiosk_ingest;
-- Reports.
GRANT SELECT ON kiosk_records, kiosk_events TO kiosk_reader;
