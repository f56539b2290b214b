-- 006_content_digests: what a batch held when it was loaded, so that a
-- changed or lost row is found later (`prevalence db verify`), and so that
-- a backup can say what it must restore (`prevalence db backup`).
--
-- (Numbered 006: 005 is taken by the web service's migration.)
--
-- A batch's content digest is the sha256 of its rows in a canonical form:
-- each row's loaded values as a PostgreSQL row literal (text output of
-- ROW(...), which quotes any value holding a delimiter), sorted bytewise
-- (COLLATE "C", so the order is the same on every server whatever its
-- locale), joined with newlines. `active` is left out: it is the batch's
-- status, which `load --replace` changes, not a loaded value.
--
--   responses: (survey_year,fips,respondent_id,role,caseload,confirmed,suspected)
--   frames:    (survey_year,fips,officers_total,youth_total)
--
-- It is computed by the server in the load's own transaction
-- (prevalence_finish_batch), from the rows that arrived, never by the
-- client. It is kept in a table of its own, batch_content, that the
-- collector cannot read: a digest of a batch of one or two rows could be
-- brute-forced back into answers (caseloads and counts are small numbers)
-- by a role that may not read them.

CREATE TABLE batch_content (
    batch_id       bigint PRIMARY KEY REFERENCES batches (batch_id),
    row_count      bigint NOT NULL CHECK (row_count >= 0),
    content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    computed_at    timestamptz NOT NULL DEFAULT now(),
    -- true: computed when 006 was applied, from the rows then in the
    -- database, for a batch loaded before digests existed
    at_upgrade     boolean NOT NULL DEFAULT false
);

-- The digest and row count of each batch in p_batches (all batches when
-- NULL), recomputed from the rows now in the tables. SECURITY INVOKER: it
-- reads every answer, so only a role that may read them can call it.
CREATE FUNCTION prevalence_content_digests(p_batches bigint[])
    RETURNS TABLE (batch_id bigint, row_count bigint, content_sha256 text)
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t.batch_id, count(*),
           encode(sha256(convert_to(string_agg(t.line, E'\n' ORDER BY t.line COLLATE "C"),
                                    'UTF8')), 'hex')
      FROM (SELECT r.batch_id,
                   ROW(r.survey_year, r.fips, r.respondent_id, r.role, r.caseload,
                       r.confirmed, r.suspected)::text AS line
              FROM public.responses r
             WHERE p_batches IS NULL OR r.batch_id = ANY (p_batches)
            UNION ALL
            SELECT f.batch_id,
                   ROW(f.survey_year, f.fips, f.officers_total, f.youth_total)::text
              FROM public.frames f
             WHERE p_batches IS NULL OR f.batch_id = ANY (p_batches)) t
     GROUP BY t.batch_id
$$;

-- 004's function, plus the digest: recorded in the load's transaction,
-- after the rows are counted and before the batch is closed.
CREATE OR REPLACE FUNCTION prevalence_finish_batch(p_batch bigint, p_sha256 text,
                                                   p_row_count bigint)
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
    n bigint;
    problem text;
    d record;
BEGIN
    SELECT kind INTO k FROM public.open_batches
     WHERE batch_id = p_batch AND xact = pg_current_xact_id();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'permission denied: batch % is not open in this transaction '
                        '(prevalence_open_batch), or is finished already', p_batch
              USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT coalesce(sum(row_count), 0) INTO n FROM public.batch_scope WHERE batch_id = p_batch;
    IF n = 0 THEN
        RAISE EXCEPTION 'batch % has no rows; an empty file is not loaded', p_batch
              USING ERRCODE = 'data_exception';
    END IF;
    IF p_row_count IS DISTINCT FROM n THEN
        RAISE EXCEPTION 'batch %: % % rows arrived but the loader counted %',
                        p_batch, n, k, p_row_count
              USING ERRCODE = 'data_exception';
    END IF;
    problem := public.prevalence_coverage_problem(p_batch);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied: %', problem
              USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO d FROM public.prevalence_content_digests(ARRAY[p_batch]);
    IF NOT FOUND OR d.row_count <> n THEN
        RAISE EXCEPTION 'batch %: its scope counts % rows but % carry its batch_id',
                        p_batch, n, coalesce(d.row_count, 0)
              USING ERRCODE = 'data_exception';
    END IF;
    UPDATE public.batches SET sha256 = p_sha256, row_count = n, loaded_at = now()
     WHERE batch_id = p_batch;
    INSERT INTO public.batch_content (batch_id, row_count, content_sha256)
    VALUES (p_batch, d.row_count, d.content_sha256);
    DELETE FROM public.open_batches WHERE batch_id = p_batch;
END
$$;

-- Batches loaded before this migration: their digest is taken now, from
-- the rows as they are. `db verify` says so for these batches.
INSERT INTO batch_content (batch_id, row_count, content_sha256, at_upgrade)
SELECT d.batch_id, d.row_count, d.content_sha256, true
  FROM prevalence_content_digests(NULL) d
  JOIN batches b USING (batch_id);

-- ---- ownership and privileges ---------------------------------------------------
ALTER TABLE batch_content OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_content_digests(bigint[]) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_finish_batch(bigint, text, bigint) OWNER TO prevalence_owner;
REVOKE ALL ON batch_content FROM PUBLIC, prevalence_collector, prevalence_analyst,
                                 prevalence_reader;
REVOKE ALL ON FUNCTION prevalence_content_digests(bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION prevalence_finish_batch(bigint, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prevalence_finish_batch(bigint, text, bigint) TO prevalence_collector;
-- The analyst reads every row anyway: it may verify.
GRANT SELECT ON batch_content TO prevalence_analyst;
GRANT EXECUTE ON FUNCTION prevalence_content_digests(bigint[]) TO prevalence_analyst;
