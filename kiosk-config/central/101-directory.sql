-- 101 — what the centre derives from the records and publishes with the content: the
-- member directory, the day's check-ins per activity and the training sign-up counts.
-- All of it travels as content_rows (100-content.sql), so a kiosk pulls it with its
-- content (and a content bundle carries it) under the same counter:
--
--   members    id = certificate number; data: masked_name (张*), station, station_id,
--              registered_on, status.  Never a full name, an ID number or a phone.
--              From the newest registration of that certificate (by created_at).
--   checkins   id = certificate|activity; data: certificate_no, activity_id, local_time,
--              kiosk_id.  Check-ins of activities that are live in content_rows, with
--              the activity's target (they reach the kiosks that show the activity);
--              withdrawn when the activity is, or once it ended two days before the
--              newest check-in the centre has (a measure taken from the records, not
--              from the centre's clock).
--   counts     id = training id; data: total and by_kiosk {kiosk: sign-ups} of that
--              session, so each kiosk counts the other kiosks' places.
--
-- content_refresh() folds in the records that arrived since it last ran (a record is
-- taken once: content_sources) under content_lock(), so the counters it draws become
-- visible in order.  It runs at the start of every kiosk pull (kiosk_content_since is
-- redefined here to call it) and before a content bundle is written.  Records are looked
-- for among those received in the last 7 days: a transaction still open after that does
-- not exist at this centre.
--
-- Every SECURITY DEFINER function here searches pg_temp last (search_path … pg_temp):
-- otherwise a kiosk's session could put a temporary table of the same name in front of
-- a table these functions write, with a trigger of its own running with their rights.


ALTER TABLE content_rows DROP CONSTRAINT content_rows_kind_check;
ALTER TABLE content_rows ADD CONSTRAINT content_rows_kind_check
    CHECK (kind IN ('jobs', 'trainings', 'activities', 'materials', 'places', 'services',
                    'settings', 'members', 'checkins', 'counts'));

CREATE TABLE content_sources (
    record_uuid uuid        NOT NULL,
    kiosk_id    text        NOT NULL,
    batch       bigint      NOT NULL,   -- the folding transaction (txid_current())
    folded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk_id, record_uuid)
);
CREATE INDEX content_sources_batch ON content_sources (batch);

CREATE INDEX kiosk_records_registration_id ON kiosk_records ((payload->>'id_number'))
    WHERE kind = 'registration';
CREATE INDEX kiosk_records_registration_cert ON kiosk_records ((payload->>'certificate_no'))
    WHERE kind = 'registration';
CREATE INDEX kiosk_records_signup_training ON kiosk_records ((payload->>'training_id'))
    WHERE kind = 'training_signup';

-- 张* / 欧阳** as the kiosks mask a name: the first character, then one star for each
-- further one, at most three; a one-character name is a single star.
CREATE FUNCTION content_mask_name(name text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN char_length(n) = 0 THEN ''
                WHEN char_length(n) = 1 THEN '*'
                ELSE left(n, 1) || repeat('*', least(char_length(n) - 1, 3)) END
      FROM (SELECT regexp_replace(coalesce(name, ''), '[[:space:]]', '', 'g') AS n) s
$$;

CREATE FUNCTION content_refresh() RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    b bigint := txid_current();
BEGIN
    PERFORM content_lock();
    -- This batch: the records of the last week not folded in before.
    INSERT INTO content_sources (record_uuid, kiosk_id, batch)
    SELECT r.record_uuid, r.kiosk_id, b FROM kiosk_records r
     WHERE r.kind IN ('registration', 'checkin', 'training_signup')
       AND r.received_at > now() - interval '7 days'
       AND NOT EXISTS (SELECT 1 FROM content_sources s
                        WHERE s.kiosk_id = r.kiosk_id AND s.record_uuid = r.record_uuid);
    -- The directory: the newest registration of each certificate wins.
    INSERT INTO content_rows AS c (kind, target, id, data, counter)
    SELECT 'members', '', m.cert,
           jsonb_build_object('id', m.cert,
                              'masked_name', content_mask_name(m.payload->>'name'),
                              'station', coalesce(m.payload->>'station', ''),
                              'station_id', coalesce(m.payload->>'community_id', ''),
                              'registered_on', to_char(m.created_at AT TIME ZONE 'Asia/Shanghai',
                                                       'YYYY-MM-DD'),
                              'status', 'registered',
                              'source_at', m.created_at),
           nextval('content_counter')
      FROM (SELECT DISTINCT ON (payload->>'certificate_no') payload->>'certificate_no' AS cert,
                   payload, created_at
              FROM kiosk_records r JOIN content_sources s USING (kiosk_id, record_uuid)
             WHERE s.batch = b AND kind = 'registration' AND coalesce(payload->>'certificate_no', '') <> ''
             ORDER BY payload->>'certificate_no', created_at DESC) m
     WHERE octet_length(m.cert) <= 64
    ON CONFLICT (kind, target, id) DO UPDATE
       SET data = EXCLUDED.data, counter = EXCLUDED.counter, withdrawn = false,
           published_at = now(), published_by = 'content_refresh'
     WHERE (c.data->>'source_at')::timestamptz < (EXCLUDED.data->>'source_at')::timestamptz;

    -- The day's check-ins of the activities the kiosks show, for their halls.
    INSERT INTO content_rows AS c (kind, target, id, data, counter)
    SELECT 'checkins', a.target, k.id,
           jsonb_build_object('id', k.id, 'certificate_no', k.cert, 'activity_id', k.act,
                              'local_time', k.local_time, 'kiosk_id', k.kiosk_id,
                              'day', k.day),
           nextval('content_counter')
      FROM (SELECT DISTINCT ON (payload->>'certificate_no', payload->>'activity_id')
                   (payload->>'certificate_no') || '|' || (payload->>'activity_id') AS id,
                   payload->>'certificate_no' AS cert, payload->>'activity_id' AS act,
                   coalesce(payload->>'local_time', '') AS local_time, kiosk_id,
                   to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day
              FROM kiosk_records r JOIN content_sources s USING (kiosk_id, record_uuid)
             WHERE s.batch = b AND kind = 'checkin' AND coalesce(payload->>'activity_id', '') <> ''
               AND coalesce(payload->>'certificate_no', '') <> ''
             ORDER BY payload->>'certificate_no', payload->>'activity_id', created_at) k
      JOIN content_rows a ON a.kind = 'activities' AND a.id = k.act AND NOT a.withdrawn
     WHERE octet_length(k.id) <= 64
    ON CONFLICT (kind, target, id) DO NOTHING;
    UPDATE content_rows c SET withdrawn = true, counter = nextval('content_counter'),
           published_at = now(), published_by = 'content_refresh'
     WHERE c.kind = 'checkins' AND NOT c.withdrawn
       AND NOT EXISTS (
           SELECT 1 FROM content_rows a
            WHERE a.kind = 'activities' AND a.id = c.data->>'activity_id' AND NOT a.withdrawn
              AND coalesce((a.data->>'ends_at')::timestamp, 'infinity') + interval '2 days' >=
                  (SELECT coalesce(max(r.created_at), '-infinity') AT TIME ZONE 'Asia/Shanghai'
                     FROM kiosk_records r
                    WHERE r.kind = 'checkin' AND r.received_at > now() - interval '7 days'));

    -- Sign-up counts of the sessions that got new sign-ups.
    INSERT INTO content_rows AS c (kind, target, id, data, counter)
    SELECT 'counts', '', t.training_id,
           jsonb_build_object('id', t.training_id, 'total', sum(t.n),
                              'by_kiosk', jsonb_object_agg(t.kiosk_id, t.n)),
           nextval('content_counter')
      FROM (SELECT payload->>'training_id' AS training_id, kiosk_id, count(*) AS n
              FROM kiosk_records
             WHERE kind = 'training_signup'
               AND payload->>'training_id' IN (
                       SELECT r.payload->>'training_id'
                         FROM kiosk_records r JOIN content_sources s USING (kiosk_id, record_uuid)
                        WHERE s.batch = b AND r.kind = 'training_signup')
             GROUP BY 1, 2) t
     WHERE octet_length(t.training_id) <= 64
     GROUP BY t.training_id
    ON CONFLICT (kind, target, id) DO UPDATE
       SET data = EXCLUDED.data, counter = EXCLUDED.counter, withdrawn = false,
           published_at = now(), published_by = 'content_refresh'
     WHERE c.data IS DISTINCT FROM EXCLUDED.data;
END
$$;

-- The pull: what changed, after folding in what arrived.
-- The content rows for the session's kiosk whose counter is above `since`, in counter
-- order: district rows and those of its hall and the halls above it, withdrawn ones
-- included.  At most max_rows rows (at most 2000) and about 8 MB: a page ends before the
-- row that would pass 8 MB, but always holds at least one row.
CREATE FUNCTION kiosk_content_since(since bigint, max_rows integer)
    RETURNS TABLE (kind text, id text, counter bigint, withdrawn boolean, data text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    hall text;
BEGIN
    SELECT w.hall_id INTO hall FROM kiosk_whoami() w;
    PERFORM content_refresh();
    RETURN QUERY
    SELECT p.kind, p.id, p.counter, p.withdrawn, p.data
      FROM (SELECT c.kind, c.id, c.counter, c.withdrawn, c.data::text AS data,
                   sum(octet_length(c.data::text)) OVER (ORDER BY c.counter) AS upto
              FROM content_rows c
             WHERE c.counter > since
               AND (c.target = '' OR c.target IN (SELECT content_halls_of(hall)))
             ORDER BY c.counter
             LIMIT least(greatest(max_rows, 1), 2000)) p
     WHERE p.upto - octet_length(p.data) < 8000000
     ORDER BY p.counter;
END
$$;

-- At registration: whether the centre already knows this ID number or certificate (a
-- registration at any kiosk), and as whom — masked.  The caller must be a kiosk in
-- service.  via: 'id' or 'certificate'; no row: unknown.
CREATE FUNCTION kiosk_member_lookup(id_number text, certificate_no text)
    RETURNS TABLE (via text, masked_name text, station text, registered_on text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM kiosk_whoami();
    RETURN QUERY
    SELECT CASE WHEN r.payload->>'id_number' = id_number THEN 'id' ELSE 'certificate' END,
           content_mask_name(r.payload->>'name'), coalesce(r.payload->>'station', ''),
           to_char(r.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
      FROM kiosk_records r
     WHERE r.kind = 'registration'
       AND ((id_number <> '' AND r.payload->>'id_number' = id_number) OR
            (certificate_no <> '' AND r.payload->>'certificate_no' = certificate_no))
     ORDER BY r.created_at DESC
     LIMIT 1;
END
$$;

REVOKE ALL ON content_sources FROM PUBLIC;
REVOKE ALL ON FUNCTION content_refresh(), kiosk_member_lookup(text, text),
    content_mask_name(text), kiosk_content_since(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kiosk_member_lookup(text, text), kiosk_content_since(bigint, integer)
    TO kiosk_uploader;
GRANT EXECUTE ON FUNCTION content_refresh(), content_mask_name(text) TO kiosk_admin;
GRANT SELECT ON content_sources TO kiosk_reader, kiosk_admin;
