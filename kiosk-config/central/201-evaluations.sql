-- 201 — 好差评 for reports: one row per evaluation record (kind 'evaluation', PRODUCT.md
-- "Records": errand_uuid, errand_kind, grade 5 = 非常满意 … 1 = 非常不满意, reasons)
-- with where and when it was given and what it graded.  Every field of an evaluation is
-- non-personal, so analysts (kiosk_reader) read this view as they read
-- kiosk_records_masked; the masked view's payload does not carry the reasons.
--
-- A grade outside 1..5 reads as NULL, reasons that are not an array as none: what a
-- kiosk sent is kept as it came, and a report never counts what it cannot read.

CREATE VIEW kiosk_evaluations AS
SELECT r.kiosk_id, k.hall_id, r.record_uuid, r.created_at,
       (r.created_at AT TIME ZONE 'Asia/Shanghai')::date AS local_date,
       r.payload ->> 'errand_uuid' AS errand_uuid,
       r.payload ->> 'errand_kind' AS errand_kind,
       CASE WHEN (r.payload ->> 'grade') ~ '^[1-5]$' THEN (r.payload ->> 'grade')::integer END
           AS grade,
       CASE WHEN jsonb_typeof(r.payload -> 'reasons') = 'array' THEN
           ARRAY(SELECT jsonb_array_elements_text(r.payload -> 'reasons'))
       ELSE '{}'::text[] END AS reasons
FROM kiosk_records r
LEFT JOIN kiosks k USING (kiosk_id)
WHERE r.kind = 'evaluation';

GRANT SELECT ON kiosk_evaluations TO kiosk_reader, kiosk_admin;
