-- 003 — rows the centre can trust.
--
-- Until now a kiosk login could INSERT any row: name another kiosk, set received_at,
-- received_by and source, or take another kiosk's record UUID (printed in every receipt
-- QR) so that the genuine record was "already there".  From here on nobody but the
-- centre's own functions writes kiosk_records:
--
--   kiosk_upload(rows)        the only thing a kiosk login may call to send records.  The
--                             kiosk is the one registered for session_user (the login
--                             that authenticated; never a column the client sends), so a
--                             kiosk can store rows of its own kiosk id only.
--   centre_ingest_records(kiosk, bundle, rows)
--                             the same for a USB bundle, called by kioskctl ingest (a
--                             kiosk_ingest login) after it checked the bundle's signature
--                             against the key registered for that kiosk.
--
-- Both store through centre_store_records, one set-based statement per call (no trigger,
-- no per-row function call: the fleet's 288,207 records stay a matter of seconds):
--   * records are unique per kiosk: the key is (kiosk_id, record_uuid), so one kiosk
--     cannot occupy another's UUID;
--   * received_at, received_by (session_user) and source are set here, whatever the
--     client sends;
--   * a UUID already stored with the same content is "held" (sent twice: harmless); with
--     different content it goes to kiosk_conflicts and is reported, never merged;
--   * a record the centre refuses (unknown kind, fields that are not an object, a
--     malformed UUID or time, another kiosk's id) is returned "refused" with the reason
--     and noted in kiosk_refusals; the other records of the call are stored — one bad
--     record never blocks the rest (the kiosk quarantines it with that reason);
--   * the kiosk's own sequence number (records.seq on the kiosk) is kept in kiosk_seq,
--     so kiosk_sequence_gaps can list what is missing.
-- Each row of the answer says what became of one record: new, held, conflict or refused
-- — that is how a kiosk learns which of its records the centre holds (retention's
-- "acknowledged") without any right to read the table.
--
-- Rows are JSON objects as the kiosk writes them (bundle lines, upload batches):
--   {"uuid", "kiosk_id", "kind", "created_at" (UTC, 2026-11-28T07:15:00.123Z), "seq",
--    "fields": {…}, …}

ALTER TABLE kiosk_records DROP CONSTRAINT kiosk_records_pkey;
ALTER TABLE kiosk_records ADD CONSTRAINT kiosk_records_pkey PRIMARY KEY (kiosk_id, record_uuid);
ALTER TABLE kiosk_records ADD COLUMN kiosk_seq bigint;
-- (kiosk_id, kiosk_seq) leads with what kiosk_records_kiosk_created did: one index less.
DROP INDEX IF EXISTS kiosk_records_kiosk_created;
CREATE INDEX kiosk_records_kiosk_seq ON kiosk_records (kiosk_id, kiosk_seq);
DROP INDEX IF EXISTS kiosk_records_received;
ALTER TABLE kiosk_records ALTER COLUMN received_by DROP DEFAULT;

-- A record that came again with other content than the one stored.
CREATE TABLE kiosk_conflicts (
    id          bigserial   PRIMARY KEY,
    kiosk_id    text        NOT NULL,
    record_uuid uuid        NOT NULL,
    kind        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    payload     jsonb       NOT NULL,
    kiosk_seq   bigint,
    source      text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    received_by text        NOT NULL,
    content     text        NOT NULL   -- md5 of kind, time and payload: one row per version
);
CREATE UNIQUE INDEX kiosk_conflicts_version ON kiosk_conflicts (kiosk_id, record_uuid, content);

-- What the centre refused, and why (also what a kiosk quarantined on the server's word).
CREATE TABLE kiosk_refusals (
    kiosk_id    text        NOT NULL,
    record_uuid text        NOT NULL,  -- as sent: it may be what was wrong
    kiosk_seq   bigint,
    reason      text        NOT NULL,
    source      text        NOT NULL,
    refused_at  timestamptz NOT NULL DEFAULT now(),
    refused_by  text        NOT NULL,
    PRIMARY KEY (kiosk_id, record_uuid)
);

CREATE FUNCTION centre_store_records(p_kiosk text, p_source text, p_rows jsonb)
    RETURNS TABLE (record_uuid text, kiosk_seq bigint, outcome text, reason text)
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
WITH input AS (
    SELECT e.value AS j, e.ordinality AS n
    FROM jsonb_array_elements(CASE jsonb_typeof(p_rows) WHEN 'array' THEN p_rows
                                   ELSE '[]'::jsonb END) WITH ORDINALITY e
),
parsed AS (
    SELECT n, j ->> 'uuid' AS uuid_text, j ->> 'kiosk_id' AS row_kiosk, j ->> 'kind' AS kind,
           j ->> 'created_at' AS created_text, j -> 'fields' AS fields,
           CASE WHEN (j ->> 'seq') ~ '^[0-9]{1,18}$' THEN (j ->> 'seq')::bigint END AS seq
    FROM input WHERE jsonb_typeof(j) = 'object'
),
checked AS MATERIALIZED (
    SELECT p.*, CASE
        WHEN uuid_text IS NULL OR uuid_text !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
            THEN 'the record''s UUID is missing or malformed'
        WHEN row_kiosk IS DISTINCT FROM p_kiosk
            THEN 'the record names another kiosk (' || coalesce(row_kiosk, 'none') || ')'
        WHEN kind IS NULL OR kind NOT IN ('registration', 'checkin', 'job_interest',
                                          'training_signup', 'consultation', 'queue_ticket',
                                          'training_waitlist', 'evaluation', 'help_request',
                                          'study_view')
            THEN 'unknown record kind "' || left(coalesce(kind, ''), 40) || '"'
        WHEN created_text IS NULL OR created_text !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z$'
            THEN 'the record''s time is missing or malformed'
        WHEN fields IS NULL OR jsonb_typeof(fields) <> 'object'
            THEN 'the record''s fields are not a JSON object'
        END AS reason
    FROM parsed p
),
good AS MATERIALIZED (
    SELECT n, uuid_text::uuid AS uuid, kind, created_text::timestamptz AS created_at, fields, seq
    FROM checked WHERE reason IS NULL
),
held AS MATERIALIZED (   -- what was stored before this statement (its snapshot)
    SELECT g.n, (r.kind = g.kind AND r.created_at = g.created_at AND r.payload = g.fields) AS same
    FROM good g JOIN kiosk_records r ON r.kiosk_id = p_kiosk AND r.record_uuid = g.uuid
),
ins AS (
    INSERT INTO kiosk_records (record_uuid, kiosk_id, kind, created_at, payload, kiosk_seq,
                               source, received_at, received_by)
    SELECT uuid, p_kiosk, kind, created_at, fields, seq, p_source, now(), session_user
    FROM good
    ON CONFLICT (kiosk_id, record_uuid) DO NOTHING
    RETURNING 1
),
conf AS (
    INSERT INTO kiosk_conflicts (kiosk_id, record_uuid, kind, created_at, payload, kiosk_seq,
                                 source, received_by, content)
    SELECT p_kiosk, g.uuid, g.kind, g.created_at, g.fields, g.seq, p_source, session_user,
           md5(g.kind || '|' || g.created_at::text || '|' || g.fields::text)
    FROM good g JOIN held h ON h.n = g.n AND NOT h.same
    ON CONFLICT DO NOTHING
    RETURNING 1
),
ref AS (
    INSERT INTO kiosk_refusals (kiosk_id, record_uuid, kiosk_seq, reason, source, refused_by)
    SELECT DISTINCT ON (coalesce(uuid_text, '#' || n))
           p_kiosk, coalesce(uuid_text, '#' || n), seq, reason, p_source, session_user
    FROM checked WHERE reason IS NOT NULL
    ON CONFLICT ON CONSTRAINT kiosk_refusals_pkey DO UPDATE
        SET reason = EXCLUDED.reason, refused_at = now(), source = EXCLUDED.source
    RETURNING 1
)
SELECT c.uuid_text, c.seq,
       CASE WHEN c.reason IS NOT NULL THEN 'refused'
            WHEN h.n IS NULL THEN 'new'
            WHEN h.same THEN 'held'
            ELSE 'conflict' END,
       c.reason
FROM checked c LEFT JOIN held h ON h.n = c.n
ORDER BY c.n
$$;

-- The kiosk the session's login is registered for, or an error that says so.
CREATE FUNCTION centre_session_kiosk_required() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    k text := session_kiosk();
BEGIN
    IF k IS NULL THEN
        RAISE EXCEPTION 'the login % is not registered for a kiosk in service', session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'register it at the centre: kioskctl centre add-kiosk';
    END IF;
    RETURN k;
END
$$;

CREATE FUNCTION kiosk_upload(p_rows jsonb)
    RETURNS TABLE (record_uuid text, kiosk_seq bigint, outcome text, reason text)
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT * FROM centre_store_records(centre_session_kiosk_required(), 'upload', p_rows)
$$;

-- A record quarantined because the server refused the statement itself over its data
-- (e.g. bytes that are not UTF-8): the refusal is known here too, and its sequence
-- number is no gap.  Reported by the kiosk (kiosk_report_refusal, its own kiosk) or by
-- kioskctl ingest (centre_ingest_refusal, for the bundle's kiosk).
CREATE FUNCTION centre_note_refusal(p_kiosk text, p_uuid text, p_seq bigint, p_reason text,
                                    p_source text)
    RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    INSERT INTO kiosk_refusals (kiosk_id, record_uuid, kiosk_seq, reason, source, refused_by)
    VALUES (p_kiosk, left(p_uuid, 64), p_seq, left(p_reason, 500), p_source, session_user)
    ON CONFLICT ON CONSTRAINT kiosk_refusals_pkey DO NOTHING
$$;

CREATE FUNCTION kiosk_report_refusal(p_uuid text, p_seq bigint, p_reason text)
    RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT centre_note_refusal(centre_session_kiosk_required(), p_uuid, p_seq, p_reason, 'upload')
$$;

CREATE FUNCTION centre_ingest_refusal(p_kiosk text, p_bundle text, p_uuid text, p_seq bigint,
                                      p_reason text)
    RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT centre_note_refusal(p_kiosk, p_uuid, p_seq, p_reason, 'bundle:' || p_bundle)
$$;

-- The records of the session's kiosk that the centre refused (by upload or in a bundle),
-- so the kiosk can quarantine those it still holds as pending.
CREATE FUNCTION kiosk_my_refusals()
    RETURNS TABLE (record_uuid text, reason text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT r.record_uuid, r.reason FROM kiosk_refusals r WHERE r.kiosk_id = session_kiosk()
$$;

CREATE FUNCTION centre_ingest_records(p_kiosk text, p_bundle text, p_rows jsonb)
    RETURNS TABLE (record_uuid text, kiosk_seq bigint, outcome text, reason text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM kiosks WHERE kiosk_id = p_kiosk) THEN
        RAISE EXCEPTION 'kiosk % is not registered', p_kiosk
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF p_bundle IS NULL OR p_bundle = '' THEN
        RAISE EXCEPTION 'a bundle needs a name' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY SELECT * FROM centre_store_records(p_kiosk, 'bundle:' || p_bundle, p_rows);
END
$$;

-- Missing ranges of each kiosk's sequence: between the numbers the centre holds (stored
-- or refused), and before the first one, unless the kiosk sent records before sequence
-- numbers were kept (those carry none, so nothing can be said about the start).
CREATE VIEW kiosk_sequence_gaps AS
WITH seqs AS (
    SELECT kiosk_id, kiosk_seq AS s FROM kiosk_records WHERE kiosk_seq IS NOT NULL
    UNION
    SELECT kiosk_id, kiosk_seq FROM kiosk_refusals WHERE kiosk_seq IS NOT NULL
),
ordered AS (
    SELECT kiosk_id, s, lead(s) OVER (PARTITION BY kiosk_id ORDER BY s) AS next FROM seqs
)
SELECT kiosk_id, s + 1 AS first_missing, next - 1 AS last_missing
FROM ordered WHERE next > s + 1
UNION ALL
SELECT kiosk_id, 1, min(s) - 1 FROM seqs
GROUP BY kiosk_id
HAVING min(s) > 1 AND NOT EXISTS (SELECT FROM kiosk_records r
                                  WHERE r.kiosk_id = seqs.kiosk_id AND r.kiosk_seq IS NULL);

-- Nobody writes the records table directly any more.
REVOKE INSERT ON kiosk_records FROM kiosk_uploader, kiosk_ingest;
REVOKE ALL ON kiosk_conflicts, kiosk_refusals, kiosk_sequence_gaps FROM PUBLIC;
REVOKE ALL ON FUNCTION centre_store_records(text, text, jsonb),
    centre_note_refusal(text, text, bigint, text, text), centre_session_kiosk_required()
    FROM PUBLIC;
REVOKE ALL ON FUNCTION kiosk_upload(jsonb), kiosk_report_refusal(text, bigint, text),
    kiosk_my_refusals(), centre_ingest_records(text, text, jsonb),
    centre_ingest_refusal(text, text, text, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kiosk_upload(jsonb), kiosk_report_refusal(text, bigint, text),
    kiosk_my_refusals() TO kiosk_uploader;
GRANT EXECUTE ON FUNCTION centre_ingest_records(text, text, jsonb),
    centre_ingest_refusal(text, text, text, bigint, text) TO kiosk_ingest, kiosk_admin;
GRANT SELECT ON kiosk_conflicts, kiosk_refusals, kiosk_sequence_gaps
    TO kiosk_admin, kiosk_reader, kiosk_ingest;
