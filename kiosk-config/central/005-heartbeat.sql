-- 005 — the kiosks' heartbeat and the fleet view.
--
-- A kiosk with a conninfo reports its status every [upload] heartbeat_s (default 300),
-- with or without records to send, and after every upload (kiosk_heartbeat).  Only the
-- latest report of each kiosk is kept.  kiosk_fleet is what `kioskctl centre fleet`
-- prints: one row per kiosk in service, with its flags
--   SILENT      no report for 3 heartbeats (or none ever)
--   PRINTER     its receipt printer's last job failed
--   DISK        less than 500 MB free in its data directory
--   CLOCK       its clock is more than 120 s away from the centre's
--   GAPS        records missing from its sequence (kiosk_sequence_gaps)
--   QUARANTINE  records the centre refused, kept on the kiosk

CREATE TABLE kiosk_status (
    kiosk_id       text        PRIMARY KEY REFERENCES kiosks (kiosk_id),
    reported_at    timestamptz NOT NULL,   -- the centre's clock when the report came
    kiosk_clock    timestamptz,            -- the kiosk's clock then
    heartbeat_s    integer,                -- how often it reports
    version        text,
    last_seq       bigint,                 -- its newest record's sequence number
    pending        bigint,                 -- records not yet at the centre
    oldest_pending timestamptz,
    quarantined    bigint,
    printer        text,                   -- ok | none | unknown | failed: <why>
    free_disk_mb   bigint,
    last_error     text,
    reported_by    text        NOT NULL
);

-- Only what is well-formed is kept; a value of the wrong shape becomes NULL rather than
-- losing the whole report.
CREATE FUNCTION centre_json_bigint(p jsonb, k text) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN (p ->> k) ~ '^-?[0-9]{1,18}$' THEN (p ->> k)::bigint END
$$;
CREATE FUNCTION centre_json_time(p jsonb, k text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN (p ->> k) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z$'
                THEN (p ->> k)::timestamptz END
$$;

-- The session's kiosk reports; the answer is the centre's clock, so the kiosk can say
-- how far off its own is.
CREATE FUNCTION kiosk_heartbeat(p jsonb) RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    k text := centre_session_kiosk_required();
BEGIN
    INSERT INTO kiosk_status AS s (kiosk_id, reported_at, kiosk_clock, heartbeat_s, version,
                                   last_seq, pending, oldest_pending, quarantined, printer,
                                   free_disk_mb, last_error, reported_by)
    VALUES (k, now(), centre_json_time(p, 'clock'), centre_json_bigint(p, 'heartbeat_s'),
            left(p ->> 'version', 64), centre_json_bigint(p, 'last_seq'),
            centre_json_bigint(p, 'pending'), centre_json_time(p, 'oldest_pending'),
            centre_json_bigint(p, 'quarantined'), left(p ->> 'printer', 200),
            centre_json_bigint(p, 'free_disk_mb'), left(p ->> 'last_error', 500), session_user)
    ON CONFLICT (kiosk_id) DO UPDATE SET
        reported_at = EXCLUDED.reported_at, kiosk_clock = EXCLUDED.kiosk_clock,
        heartbeat_s = EXCLUDED.heartbeat_s, version = EXCLUDED.version,
        last_seq = EXCLUDED.last_seq, pending = EXCLUDED.pending,
        oldest_pending = EXCLUDED.oldest_pending, quarantined = EXCLUDED.quarantined,
        printer = EXCLUDED.printer, free_disk_mb = EXCLUDED.free_disk_mb,
        last_error = EXCLUDED.last_error, reported_by = EXCLUDED.reported_by;
    RETURN now();
END
$$;

CREATE VIEW kiosk_fleet AS
WITH gaps AS (
    SELECT kiosk_id, sum(last_missing - first_missing + 1) AS missing
    FROM kiosk_sequence_gaps GROUP BY kiosk_id
),
refused AS (
    SELECT kiosk_id, count(*) AS n FROM kiosk_refusals GROUP BY kiosk_id
),
f AS (
    SELECT k.kiosk_id, k.hall_id, h.name AS hall_name, s.reported_at, s.version, s.pending,
           s.oldest_pending, s.printer, s.free_disk_mb, s.last_error, s.last_seq,
           round(extract(epoch FROM s.kiosk_clock - s.reported_at))::bigint AS clock_skew_s,
           coalesce(g.missing, 0) AS missing,
           greatest(coalesce(s.quarantined, 0), coalesce(r.n, 0)) AS quarantined,
           s.reported_at IS NULL OR
               now() - s.reported_at > make_interval(secs => 3 * coalesce(nullif(s.heartbeat_s, 0), 300))
               AS silent
    FROM kiosks k
    JOIN halls h USING (hall_id)
    LEFT JOIN kiosk_status s USING (kiosk_id)
    LEFT JOIN gaps g USING (kiosk_id)
    LEFT JOIN refused r USING (kiosk_id)
    WHERE k.retired_at IS NULL
)
SELECT f.*,
       array_remove(ARRAY[
           CASE WHEN silent THEN 'SILENT' END,
           CASE WHEN printer LIKE 'failed%' THEN 'PRINTER' END,
           CASE WHEN free_disk_mb < 500 THEN 'DISK' END,
           CASE WHEN abs(clock_skew_s) > 120 THEN 'CLOCK' END,
           CASE WHEN missing > 0 THEN 'GAPS' END,
           CASE WHEN quarantined > 0 THEN 'QUARANTINE' END], NULL) AS flags
FROM f;

REVOKE ALL ON kiosk_status, kiosk_fleet FROM PUBLIC;
REVOKE ALL ON FUNCTION kiosk_heartbeat(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kiosk_heartbeat(jsonb) TO kiosk_uploader;
GRANT SELECT ON kiosk_status, kiosk_fleet TO kiosk_admin, kiosk_reader;
