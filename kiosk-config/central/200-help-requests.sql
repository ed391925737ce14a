-- 200 — 呼叫工作人员: how many help requests wait on each kiosk for staff (records of kind
-- help_request not yet marked 已处理 there), carried by the heartbeat and shown in the
-- fleet view (`kioskctl centre fleet`, column "help").  A count only: which screen and
-- when are in the records themselves.  Not a flag: a hall's staff answer a call at the
-- kiosk, the centre only sees that calls wait (and for how long a kiosk has had them,
-- from the reports).

ALTER TABLE kiosk_status ADD COLUMN help_open bigint;   -- open help requests; NULL: an older kiosk

CREATE OR REPLACE FUNCTION kiosk_heartbeat(p jsonb) RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    k text := centre_session_kiosk_required();
BEGIN
    INSERT INTO kiosk_status AS s (kiosk_id, reported_at, kiosk_clock, heartbeat_s, version,
                                   last_seq, pending, oldest_pending, quarantined, printer,
                                   free_disk_mb, last_error, help_open, reported_by)
    VALUES (k, now(), centre_json_time(p, 'clock'), centre_json_bigint(p, 'heartbeat_s'),
            left(p ->> 'version', 64), centre_json_bigint(p, 'last_seq'),
            centre_json_bigint(p, 'pending'), centre_json_time(p, 'oldest_pending'),
            centre_json_bigint(p, 'quarantined'), left(p ->> 'printer', 200),
            centre_json_bigint(p, 'free_disk_mb'), left(p ->> 'last_error', 500),
            centre_json_bigint(p, 'help_open'), session_user)
    ON CONFLICT (kiosk_id) DO UPDATE SET
        reported_at = EXCLUDED.reported_at, kiosk_clock = EXCLUDED.kiosk_clock,
        heartbeat_s = EXCLUDED.heartbeat_s, version = EXCLUDED.version,
        last_seq = EXCLUDED.last_seq, pending = EXCLUDED.pending,
        oldest_pending = EXCLUDED.oldest_pending, quarantined = EXCLUDED.quarantined,
        printer = EXCLUDED.printer, free_disk_mb = EXCLUDED.free_disk_mb,
        last_error = EXCLUDED.last_error, help_open = EXCLUDED.help_open,
        reported_by = EXCLUDED.reported_by;
    RETURN now();
END
$$;

-- The view gains a column before its flags: dropped and made again (nothing depends on
-- it), with its grants.
DROP VIEW kiosk_fleet;
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
           s.help_open,
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

REVOKE ALL ON kiosk_fleet FROM PUBLIC;
GRANT SELECT ON kiosk_fleet TO kiosk_admin, kiosk_reader;
