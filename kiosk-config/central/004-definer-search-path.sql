-- 004 — SECURITY DEFINER functions search pg_temp last.
--
-- With `search_path = pg_catalog, public` PostgreSQL still searches the session's
-- temporary schema first, so a kiosk login that made a TEMP TABLE kiosks(…) could have
-- session_kiosk() read it and pass for another kiosk.  Naming pg_temp last in each
-- function's own search_path puts it behind the real tables (functions and operators are
-- never looked up there).  And no login but the owner may create objects in public.
-- Every SECURITY DEFINER function of 001-099 sets this search_path from here on.

ALTER FUNCTION session_kiosk() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION session_hall() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION centre_store_records(text, text, jsonb)
    SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION centre_session_kiosk_required() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION kiosk_upload(jsonb) SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION centre_note_refusal(text, text, bigint, text, text)
    SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION kiosk_report_refusal(text, bigint, text)
    SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION centre_ingest_refusal(text, text, text, bigint, text)
    SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION kiosk_my_refusals() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION centre_ingest_records(text, text, jsonb)
    SET search_path = pg_catalog, public, pg_temp;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
