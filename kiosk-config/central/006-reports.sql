-- 006 — what analysts may read, and what reports count from.
--
-- Analysts (kiosk_reader) read masked views only: kiosk_records_masked holds each record
-- without the person — its payload keeps only the fields that say what was done (which
-- activity, topic, ticket, material, seconds, grade …), and a person is a pseudonym: a
-- keyed SHA-256 of the certificate number (the key, centre_secrets.person_salt, readable
-- by the owner only), the same across kiosks so reports count a person once per activity
-- however many kiosks they used, and useless for finding the person.  Full data (names,
-- ID numbers, phones) is for kiosk_admin only.
--
-- Every column a report needs is a plain column here: `kioskctl centre report` runs as
-- an analyst or an admin alike.

CREATE TABLE centre_secrets (
    name  text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO centre_secrets (name, value)
VALUES ('person_salt', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
REVOKE ALL ON centre_secrets FROM PUBLIC;

CREATE VIEW kiosk_records_masked AS
SELECT r.kiosk_id, k.hall_id, r.record_uuid, r.kind, r.created_at,
       (r.created_at AT TIME ZONE 'Asia/Shanghai')::date AS local_date,
       r.received_at, r.source, r.kiosk_seq,
       r.payload ->> 'activity_id' AS activity_id,
       r.payload ->> 'topic' AS topic,
       r.payload ->> 'material_id' AS material_id,
       CASE WHEN (r.payload ->> 'seconds') ~ '^[0-9]{1,9}$' THEN (r.payload ->> 'seconds')::integer END
           AS seconds,
       CASE WHEN (r.payload ->> 'grade') ~ '^[1-5]$' THEN (r.payload ->> 'grade')::integer END
           AS grade,
       CASE WHEN coalesce(r.payload ->> 'certificate_no', '') <> '' THEN
           encode(sha256(convert_to((SELECT value FROM centre_secrets WHERE name = 'person_salt')
                                    || upper(r.payload ->> 'certificate_no'), 'UTF8')), 'hex')
       END AS person,
       (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(r.payload) e
        WHERE e.key IN ('activity_id', 'activity_title', 'method', 'local_time', 'job_id',
                        'job_title', 'job_employer', 'job_area', 'training_id',
                        'training_title', 'training_starts_at', 'training_venue', 'topic',
                        'service_id', 'service', 'window', 'ticket_no', 'community_id',
                        'community_name', 'station', 'is_update', 'material_id',
                        'material_title', 'category', 'seconds', 'errand_uuid',
                        'errand_kind', 'grade', 'screen', 'verified')) AS payload
FROM kiosk_records r
LEFT JOIN kiosks k USING (kiosk_id);

-- Analysts: the masked records, the registry, the fleet, the event logs (no personal data
-- there), the gaps; not the full records, nor the conflicts (which keep full content).
REVOKE SELECT ON kiosk_records, kiosk_conflicts FROM kiosk_reader;
GRANT SELECT ON kiosk_records_masked TO kiosk_reader, kiosk_admin;
GRANT SELECT ON kiosk_events TO kiosk_reader;
