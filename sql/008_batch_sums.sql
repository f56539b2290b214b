-- 008_batch_sums: the sufficient statistics of every batch, so that an
-- estimate reads a few hundred integers instead of every response row
-- (issue #21; docs/performance.md, "Estimates from the batch sums").
--
-- (Numbered 008: 007 is another change of the same wave.)
--
-- Respondents are the PSUs, so everything `estimate`, `trend`, `report`,
-- `publish` and `sae` compute is a function of per-county (and, for
-- estimates by role, per-role) counts, sums, sums of squares and cross
-- products of x = caseload and y = confirmed or confirmed + suspected, plus
-- the number of respondents with a confirmed case (docs/methods.md,
-- "Variance by linearization"). Those are kept here per batch, survey
-- year, county, role and `active`, so that the readers' `WHERE active AND
-- survey_year = Y` over responses becomes the same filter over this table,
-- and every sum stays an exact integer (each product is at most 10^6).
--
-- The table is kept equal to the rows by the database itself, whoever
-- writes them:
--   * INSERT (a load, a web upload or questionnaire response, an owner's
--     fixture): prevalence_rows_check, the statement trigger that already
--     reads each COPY's transition table once for batch_scope, now groups
--     it by role and `active` as well and adds the sums in that one pass,
--     in the load's own transaction;
--   * UPDATE (prevalence_supersede setting `active`, an owner's repair) and
--     DELETE: prevalence_batch_sums_change subtracts the old rows' sums and
--     adds the new ones;
--   * TRUNCATE empties it.
-- prevalence_batch_sums_refresh(batch) recomputes one batch from its rows,
-- for a writer that bypasses the triggers; `prevalence db verify` and
-- `status --verify` (batch_integrity) compare it with the rows.
--
-- No foreign key to batches, like open_batches: an owner's row under a
-- batch_id that names no batch must still be inserted (batch_integrity
-- reports it), and the benchmarks TRUNCATE batches.

CREATE TABLE batch_sums (
    batch_id           bigint NOT NULL,
    survey_year        integer NOT NULL,
    fips               text NOT NULL,
    role               text NOT NULL,
    active             boolean NOT NULL,
    respondents        bigint NOT NULL,   -- n
    caseload           bigint NOT NULL,   -- sum x
    caseload_sq        bigint NOT NULL,   -- sum x^2
    confirmed          bigint NOT NULL,   -- sum c
    confirmed_sq       bigint NOT NULL,   -- sum c^2
    confirmed_caseload bigint NOT NULL,   -- sum c x
    any_case           bigint NOT NULL,   -- sum a, a = confirmed + suspected
    any_sq             bigint NOT NULL,   -- sum a^2
    any_caseload       bigint NOT NULL,   -- sum a x
    officers_confirmed bigint NOT NULL,   -- count of c >= 1
    PRIMARY KEY (batch_id, survey_year, fips, role, active)
);
-- The readers' filter: the active sums of one year.
CREATE INDEX batch_sums_year ON batch_sums (survey_year) WHERE active;

-- The sums of the rows of p_batches (every batch when NULL), from the rows
-- now in responses. SECURITY INVOKER: it reads every answer.
CREATE FUNCTION prevalence_batch_sums_from_rows(p_batches bigint[])
    RETURNS SETOF batch_sums
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT batch_id, survey_year, fips, role, active,
           count(*), sum(caseload), sum(caseload * caseload),
           sum(confirmed), sum(confirmed * confirmed), sum(confirmed * caseload),
           sum(confirmed + suspected),
           sum((confirmed + suspected) * (confirmed + suspected)),
           sum((confirmed + suspected) * caseload),
           count(*) FILTER (WHERE confirmed > 0)
      FROM public.responses
     WHERE p_batches IS NULL OR batch_id = ANY (p_batches)
     GROUP BY batch_id, survey_year, fips, role, active
$$;

-- Add the groups in p_delta (a batch_sums[] of signed sums) to the table
-- and drop the groups left with no respondent. One INSERT ... ON CONFLICT
-- per statement, whatever the number of rows.
CREATE FUNCTION prevalence_batch_sums_add(p_delta batch_sums[]) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO public.batch_sums AS s
    SELECT d.batch_id, d.survey_year, d.fips, d.role, d.active,
           sum(d.respondents), sum(d.caseload), sum(d.caseload_sq), sum(d.confirmed),
           sum(d.confirmed_sq), sum(d.confirmed_caseload), sum(d.any_case), sum(d.any_sq),
           sum(d.any_caseload), sum(d.officers_confirmed)
      FROM unnest(p_delta) d
     GROUP BY d.batch_id, d.survey_year, d.fips, d.role, d.active
    ON CONFLICT (batch_id, survey_year, fips, role, active) DO UPDATE
       SET respondents = s.respondents + excluded.respondents,
           caseload = s.caseload + excluded.caseload,
           caseload_sq = s.caseload_sq + excluded.caseload_sq,
           confirmed = s.confirmed + excluded.confirmed,
           confirmed_sq = s.confirmed_sq + excluded.confirmed_sq,
           confirmed_caseload = s.confirmed_caseload + excluded.confirmed_caseload,
           any_case = s.any_case + excluded.any_case,
           any_sq = s.any_sq + excluded.any_sq,
           any_caseload = s.any_caseload + excluded.any_caseload,
           officers_confirmed = s.officers_confirmed + excluded.officers_confirmed;
    DELETE FROM public.batch_sums s
     USING (SELECT DISTINCT batch_id, survey_year, fips, role, active FROM unnest(p_delta)) d
     WHERE s.batch_id = d.batch_id AND s.survey_year = d.survey_year AND s.fips = d.fips
       AND s.role = d.role AND s.active = d.active AND s.respondents = 0;
$$;

-- 004's trigger on rows entering responses or frames, with the sums: the
-- transition table is grouped once, by batch, year, county, role and
-- `active`; the sums go to batch_sums for every batch (an owner's rows
-- too), and the same groups, added up per county-year, give the check and
-- batch_scope as before.
CREATE OR REPLACE FUNCTION prevalence_rows_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind text := CASE TG_TABLE_NAME WHEN 'responses' THEN 'responses' ELSE 'frame' END;
    is_owner boolean;
    groups public.batch_sums[];
    r record;
BEGIN
    IF TG_TABLE_NAME = 'responses' THEN
        EXECUTE 'SELECT array_agg(ROW(g.*)::public.batch_sums) FROM ('
                ' SELECT batch_id, survey_year, fips, role, active,'
                '        count(*)::bigint, sum(caseload)::bigint,'
                '        sum(caseload * caseload)::bigint, sum(confirmed)::bigint,'
                '        sum(confirmed * confirmed)::bigint, sum(confirmed * caseload)::bigint,'
                '        sum(confirmed + suspected)::bigint,'
                '        sum((confirmed + suspected) * (confirmed + suspected))::bigint,'
                '        sum((confirmed + suspected) * caseload)::bigint,'
                '        count(*) FILTER (WHERE confirmed > 0)::bigint'
                '   FROM new_rows GROUP BY 1, 2, 3, 4, 5) g'
            INTO groups;
        IF groups IS NULL THEN
            RETURN NULL;
        END IF;
        PERFORM public.prevalence_batch_sums_add(groups);
    END IF;
    FOR r IN EXECUTE CASE TG_TABLE_NAME
            WHEN 'responses' THEN
                'SELECT batch_id, survey_year, fips, sum(respondents)::bigint AS n,'
                '       sum(caseload)::bigint AS caseload'
                ' FROM unnest($1) GROUP BY 1, 2, 3'
            ELSE
                'SELECT batch_id, survey_year, fips, count(*) AS n, 0::bigint AS caseload'
                ' FROM new_rows GROUP BY 1, 2, 3'
            END USING groups LOOP
        IF NOT public.prevalence_batch_is_open(r.batch_id, kind) THEN
            IF is_owner IS NULL THEN
                is_owner := pg_has_role(session_user, 'prevalence_owner', 'MEMBER');
            END IF;
            IF is_owner THEN
                CONTINUE;       -- a repair or a fixture: not part of a load
            END IF;
            RAISE EXCEPTION 'permission denied: rows for % may enter only a % batch opened by '
                            'this transaction (prevalence_open_batch), and batch % is not one',
                            TG_TABLE_NAME, kind, r.batch_id
                  USING ERRCODE = 'insufficient_privilege';
        END IF;
        INSERT INTO public.batch_scope AS s (batch_id, survey_year, fips, row_count, caseload)
        VALUES (r.batch_id, r.survey_year, r.fips, r.n, r.caseload)
        ON CONFLICT (batch_id, survey_year, fips) DO UPDATE
           SET row_count = s.row_count + excluded.row_count,
               caseload = s.caseload + excluded.caseload;
    END LOOP;
    RETURN NULL;
END
$$;

-- Rows of responses changed or deleted: their old sums go, their new ones
-- come. prevalence_supersede's UPDATE of `active` moves a batch's sums from
-- the active to the inactive groups here; TRUNCATE empties the table.
CREATE FUNCTION prevalence_batch_sums_change() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    delta public.batch_sums[];
    sums_of constant text :=
        ' SELECT batch_id, survey_year, fips, role, active,'
        '        %1$s * count(*)::bigint, %1$s * sum(caseload)::bigint,'
        '        %1$s * sum(caseload * caseload)::bigint, %1$s * sum(confirmed)::bigint,'
        '        %1$s * sum(confirmed * confirmed)::bigint,'
        '        %1$s * sum(confirmed * caseload)::bigint,'
        '        %1$s * sum(confirmed + suspected)::bigint,'
        '        %1$s * sum((confirmed + suspected) * (confirmed + suspected))::bigint,'
        '        %1$s * sum((confirmed + suspected) * caseload)::bigint,'
        '        %1$s * count(*) FILTER (WHERE confirmed > 0)::bigint'
        '   FROM %2$s GROUP BY 1, 2, 3, 4, 5';
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE public.batch_sums;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        EXECUTE 'SELECT array_agg(ROW(g.*)::public.batch_sums) FROM (' || format(sums_of, '-1', 'old_rows')
                || ' UNION ALL ' || format(sums_of, '1', 'new_rows') || ') g'
            INTO delta;
    ELSE
        EXECUTE 'SELECT array_agg(ROW(g.*)::public.batch_sums) FROM (' || format(sums_of, '-1', 'old_rows') || ') g'
            INTO delta;
    END IF;
    IF delta IS NOT NULL THEN
        PERFORM public.prevalence_batch_sums_add(delta);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER responses_batch_sums_update AFTER UPDATE ON responses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION prevalence_batch_sums_change();
CREATE TRIGGER responses_batch_sums_delete AFTER DELETE ON responses
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION prevalence_batch_sums_change();
CREATE TRIGGER responses_batch_sums_truncate AFTER TRUNCATE ON responses
    FOR EACH STATEMENT EXECUTE FUNCTION prevalence_batch_sums_change();

-- Recompute the sums of one batch from its rows: for a writer that changes
-- a batch in place by a path the triggers do not see (session_replication_role
-- = replica, a restore of responses alone), and for repairs. Returns the
-- number of groups written.
CREATE FUNCTION prevalence_batch_sums_refresh(p_batch bigint) RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM public.batch_sums WHERE batch_id = p_batch;
    INSERT INTO public.batch_sums
    SELECT * FROM public.prevalence_batch_sums_from_rows(ARRAY[p_batch]);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The batches loaded before this migration: their sums now, from the rows.
INSERT INTO batch_sums SELECT * FROM prevalence_batch_sums_from_rows(NULL);

-- ---- a batch's rows without reading the others ------------------------------------
-- prevalence_finish_batch takes the new batch's content digest (006) with
-- `WHERE p_batches IS NULL OR batch_id = ANY (p_batches)`: no index on
-- batch_id (002 dropped the B-tree, 2 s per 10^6 rows of COPY), so every
-- load read the whole table, 0.06 s per 10^6 rows already loaded whatever
-- its own size (docs/scaling.md). A BRIN index costs COPY nothing
-- measurable (one summary per 128 pages, written by autovacuum): batch_ids
-- grow with the load order and a batch's rows are appended together, so a
-- batch is a few block ranges. The function is 006's, with the batches
-- joined so that the planner can use it; its rows, and so its digests, are
-- the same. The planner cannot tell, when it plans the query, how few rows
-- the batches match (with one big batch loaded it guesses all of them):
-- when the batches asked for hold less than a quarter of the table (their
-- scope against pg_class.reltuples), sequential scans are turned off for
-- the one query, planned afresh (EXECUTE); a batch that is most of the
-- table (the first big load) keeps the parallel sequential scan, which is
-- faster than reading every block range through the index. JIT is off: the
-- guess would switch it on for a 10 ms query.
CREATE INDEX responses_batch_brin ON responses USING brin (batch_id)
    WITH (autosummarize = on);
CREATE INDEX frames_batch_brin ON frames USING brin (batch_id)
    WITH (autosummarize = on);

CREATE OR REPLACE FUNCTION prevalence_content_digests(p_batches bigint[])
    RETURNS TABLE (batch_id bigint, row_count bigint, content_sha256 text)
    LANGUAGE plpgsql
    STABLE
    SET search_path = pg_catalog, pg_temp
    SET jit = off
AS $$
DECLARE
    old text := current_setting('enable_seqscan');
    few boolean := false;
BEGIN
    IF p_batches IS NOT NULL THEN
        SELECT coalesce(sum(s.row_count), 0) * 4
               < greatest((SELECT c.reltuples FROM pg_catalog.pg_class c
                            WHERE c.oid = 'public.responses'::regclass), 0)
          INTO few
          FROM public.batch_scope s
         WHERE s.batch_id = ANY (p_batches);
    END IF;
    IF few THEN
        PERFORM set_config('enable_seqscan', 'off', true);
    END IF;
    RETURN QUERY EXECUTE $q$
    SELECT t.batch_id, count(*),
           encode(sha256(convert_to(string_agg(t.line, E'\n' ORDER BY t.line COLLATE "C"),
                                    'UTF8')), 'hex')
      FROM (SELECT r.batch_id,
                   ROW(r.survey_year, r.fips, r.respondent_id, r.role, r.caseload,
                       r.confirmed, r.suspected)::text AS line
              FROM public.responses r
             WHERE $1 IS NULL
            UNION ALL
            SELECT r.batch_id,
                   ROW(r.survey_year, r.fips, r.respondent_id, r.role, r.caseload,
                       r.confirmed, r.suspected)::text
              FROM (SELECT DISTINCT u FROM unnest($1) u) b
              JOIN public.responses r ON r.batch_id = b.u
            UNION ALL
            SELECT f.batch_id,
                   ROW(f.survey_year, f.fips, f.officers_total, f.youth_total)::text
              FROM public.frames f
             WHERE $1 IS NULL
            UNION ALL
            SELECT f.batch_id,
                   ROW(f.survey_year, f.fips, f.officers_total, f.youth_total)::text
              FROM (SELECT DISTINCT u FROM unnest($1) u) b
              JOIN public.frames f ON f.batch_id = b.u) t
     GROUP BY t.batch_id
    $q$ USING p_batches;
    IF few THEN
        PERFORM set_config('enable_seqscan', old, true);
    END IF;
END
$$;

-- ---- status --verify: 004's view, plus the sums ------------------------------------
-- One more kind of problem: a batch's stored sums for a county-year differ
-- from what its rows add up to (someone wrote batch_sums, or rows changed
-- with the triggers off). The message names no value: the collector reads
-- this view and may not read answers.
CREATE OR REPLACE VIEW batch_integrity AS
    WITH counted AS (
        SELECT batch_id, 'responses' AS kind, survey_year, fips, count(*) AS row_count,
               sum(caseload) AS caseload
          FROM responses GROUP BY batch_id, survey_year, fips
        UNION ALL
        SELECT batch_id, 'frame', survey_year, fips, count(*), 0
          FROM frames GROUP BY batch_id, survey_year, fips
    ), cells AS (
        SELECT coalesce(s.batch_id, c.batch_id) AS batch_id,
               coalesce(s.survey_year, c.survey_year) AS survey_year,
               coalesce(s.fips, c.fips) AS fips, c.kind,
               s.row_count AS recorded_rows, c.row_count AS n_rows,
               s.caseload AS recorded_caseload, c.caseload
          FROM batch_scope s
          FULL JOIN counted c ON c.batch_id = s.batch_id AND c.survey_year = s.survey_year
                             AND c.fips = s.fips
    )
    SELECT b.batch_id, NULL::integer AS survey_year, NULL::text AS fips,
           format('records %s rows, but %s rows carry its batch_id', b.row_count,
                  coalesce(t.n_rows, 0)) AS problem
      FROM batches b
      LEFT JOIN (SELECT batch_id, sum(n_rows) AS n_rows FROM cells GROUP BY batch_id) t
             USING (batch_id)
     WHERE b.row_count <> coalesce(t.n_rows, 0)
    UNION ALL
    SELECT c.batch_id, c.survey_year, c.fips,
           CASE WHEN c.n_rows IS NULL
                THEN format('its scope records %s rows, but none carry its batch_id',
                            c.recorded_rows)
                WHEN c.recorded_rows IS NULL
                THEN format('%s rows carry its batch_id, but its scope does not list them',
                            c.n_rows)
                WHEN c.recorded_rows <> c.n_rows
                THEN format('its scope records %s rows, but %s rows carry its batch_id',
                            c.recorded_rows, c.n_rows)
                ELSE 'its scope records a caseload its rows do not add up to'
           END
      FROM cells c
     WHERE c.n_rows IS NULL OR c.recorded_rows IS NULL OR c.recorded_rows <> c.n_rows
        OR c.recorded_caseload <> c.caseload
    UNION ALL
    SELECT c.batch_id, c.survey_year, c.fips,
           format('%s rows carry the batch_id of a %s batch', c.kind, b.kind)
      FROM cells c JOIN batches b USING (batch_id)
     WHERE c.kind IS NOT NULL AND c.kind <> b.kind
    UNION ALL
    SELECT DISTINCT coalesce(s.batch_id, r.batch_id), coalesce(s.survey_year, r.survey_year),
           coalesce(s.fips, r.fips),
           'its stored sums (batch_sums) differ from what its rows add up to; '
           'SELECT prevalence_batch_sums_refresh(batch) recomputes them'
      FROM batch_sums s
      FULL JOIN (SELECT batch_id, survey_year, fips, role, active,
                        count(*) AS respondents, sum(caseload) AS caseload,
                        sum(caseload * caseload) AS caseload_sq, sum(confirmed) AS confirmed,
                        sum(confirmed * confirmed) AS confirmed_sq,
                        sum(confirmed * caseload) AS confirmed_caseload,
                        sum(confirmed + suspected) AS any_case,
                        sum((confirmed + suspected) * (confirmed + suspected)) AS any_sq,
                        sum((confirmed + suspected) * caseload) AS any_caseload,
                        count(*) FILTER (WHERE confirmed > 0) AS officers_confirmed
                   FROM responses GROUP BY 1, 2, 3, 4, 5) r
        ON r.batch_id = s.batch_id AND r.survey_year = s.survey_year AND r.fips = s.fips
       AND r.role = s.role AND r.active = s.active
     WHERE (s.respondents, s.caseload, s.caseload_sq, s.confirmed, s.confirmed_sq,
            s.confirmed_caseload, s.any_case, s.any_sq, s.any_caseload, s.officers_confirmed)
           IS DISTINCT FROM
           (r.respondents, r.caseload, r.caseload_sq, r.confirmed, r.confirmed_sq,
            r.confirmed_caseload, r.any_case, r.any_sq, r.any_caseload, r.officers_confirmed);

-- ---- ownership and privileges ---------------------------------------------------
ALTER TABLE batch_sums OWNER TO prevalence_owner;
ALTER VIEW batch_integrity OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_batch_sums_from_rows(bigint[]) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_batch_sums_add(batch_sums[]) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_rows_check() OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_batch_sums_change() OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_batch_sums_refresh(bigint) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_content_digests(bigint[]) OWNER TO prevalence_owner;
REVOKE ALL ON batch_sums FROM PUBLIC, prevalence_collector, prevalence_analyst,
                              prevalence_reader;
REVOKE ALL ON FUNCTION prevalence_batch_sums_from_rows(bigint[]),
                       prevalence_batch_sums_add(batch_sums[]),
                       prevalence_batch_sums_change(),
                       prevalence_batch_sums_refresh(bigint)
    FROM PUBLIC;
-- Sums of answers are answers: the analyst (and the web service, which is
-- one) reads them; the collector, which may not read a caseload, may not.
GRANT SELECT ON batch_sums TO prevalence_analyst;
GRANT EXECUTE ON FUNCTION prevalence_batch_sums_from_rows(bigint[]) TO prevalence_analyst;
-- prevalence_batch_sums_refresh stays the owner's: a repair after `db
-- verify` names a batch. (Every writer of responses goes through the load
-- or the triggers, the questionnaire included; the collector, which may not
-- read a caseload, should not learn even how many groups another county's
-- batch has.)
