-- 004_collector_rules: the database enforces the collector's rules itself
-- (docs/security.md, "Database-enforced collector rules").
--
-- Until 003 the rules of a load lived in the client: the collector role
-- could INSERT into batches and batch_scope, UPDATE a batch's sha256, row
-- count and load time, and INSERT response rows under any batch_id. A
-- login holding prevalence_collector could therefore add rows to a
-- finished batch, record a made-up scope or a backdated load, retire
-- another county's batch, and anybody could block loads by taking their
-- advisory lock. From here on:
--
--   1. A batch is opened by prevalence_open_batch() and finished by
--      prevalence_finish_batch(), both SECURITY DEFINER functions of the
--      owner; the collector has no INSERT or UPDATE on batches or
--      batch_scope. open_batches holds the batches the current
--      transaction opened; a deferred trigger refuses a COMMIT that leaves
--      one unfinished.
--   2. Rows enter responses and frames only under a batch of their kind
--      opened by the same transaction: statement-level AFTER INSERT
--      triggers read the whole COPY as one transition table, refuse any
--      other batch_id, and write the batch's scope (rows and caseload per
--      county-year) from the rows themselves. prevalence_finish_batch sets
--      row_count from that scope and loaded_at to now(), and refuses when
--      the loader's own count disagrees.
--   3. prevalence_supersede() checks the caller's county scope
--      (collector_counties) and the coverage rule: a corrected file must
--      hold every county-year of each batch it retires.
--   4. The per-year load lock is a row lock on load_locks, taken only
--      through prevalence_lock_load_years() (collector and owner), with a
--      lock_timeout and a message naming the year.
--   5. Large objects, temporary tables and CREATE in the public schema are
--      revoked from every role that does not need them.
--   6. batch_integrity compares each batch's recorded row count and scope
--      with its rows (`prevalence status --verify`).
--
-- Members of prevalence_owner (and superusers) may still insert rows
-- directly, outside any open batch: repairs, and the test fixtures and
-- benchmarks that build data without the collector. They own the tables
-- and could drop the triggers anyway.

-- ---- open batches ---------------------------------------------------------------
-- One row per batch the current transaction opened and has not finished;
-- empty outside a loading transaction (a COMMIT with a row left is
-- refused, a ROLLBACK takes it away). xact is the opening transaction.
-- No foreign key: only prevalence_open_batch writes here, right after the
-- batch, and one would stop the owner's TRUNCATE of batches (benchmarks).
CREATE TABLE open_batches (
    batch_id bigint PRIMARY KEY,
    kind     text NOT NULL CHECK (kind IN ('responses', 'frame')),
    xact     xid8 NOT NULL
);

-- Is p_batch a batch of kind p_kind opened by this transaction?
CREATE FUNCTION prevalence_batch_is_open(p_batch bigint, p_kind text) RETURNS boolean
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM public.open_batches
                    WHERE batch_id = p_batch AND kind = p_kind
                      AND xact = pg_current_xact_id())
$$;

-- Start a load: a new batch with a placeholder sha256 (unique, so the
-- index on active sha256 holds until the file has been read whole), no
-- rows, and loaded_at = now(), the transaction's start, set here and not
-- by the client. Returns the batch_id every row of the file carries.
CREATE FUNCTION prevalence_open_batch(p_kind text, p_file_name text, p_tool_version text)
    RETURNS bigint
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id bigint;
BEGIN
    INSERT INTO public.batches (kind, sha256, file_name, row_count, tool_version, loaded_at)
    VALUES (p_kind, encode(sha256(uuid_send(gen_random_uuid())), 'hex'), p_file_name, 0,
            p_tool_version, now())
    RETURNING batch_id INTO id;
    INSERT INTO public.open_batches (batch_id, kind, xact)
    VALUES (id, p_kind, pg_current_xact_id());
    RETURN id;
END
$$;

-- Rows entering responses or frames: every batch_id must be a batch of the
-- table's kind opened by this transaction. The rows of each batch are
-- counted per county-year into batch_scope, which only this function (and
-- the owner) writes. One pass over the transition table: the grouping
-- gives both the check (one lookup per county-year, not per row) and the
-- scope. batch_scope.caseload is 0 for frames, as before.
CREATE FUNCTION prevalence_rows_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind text := CASE TG_TABLE_NAME WHEN 'responses' THEN 'responses' ELSE 'frame' END;
    is_owner boolean;
    r record;
BEGIN
    FOR r IN EXECUTE CASE TG_TABLE_NAME
            WHEN 'responses' THEN
                'SELECT batch_id, survey_year, fips, count(*) AS n, sum(caseload) AS caseload'
                ' FROM new_rows GROUP BY 1, 2, 3'
            ELSE
                'SELECT batch_id, survey_year, fips, count(*) AS n, 0::bigint AS caseload'
                ' FROM new_rows GROUP BY 1, 2, 3'
            END LOOP
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
CREATE TRIGGER responses_batch_rows AFTER INSERT ON responses
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION prevalence_rows_check();
CREATE TRIGGER frames_batch_rows AFTER INSERT ON frames
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION prevalence_rows_check();

-- The coverage rule of `load --replace`: a batch may be retired only in
-- favour of one that holds every county-year it held (dbcheck.c says so
-- to the user first). NULL when every batch p_new supersedes is covered,
-- else what is wrong.
CREATE FUNCTION prevalence_coverage_problem(p_new bigint) RETURNS text
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format('batch %s holds %s %s, which batch %s does not; a batch may be retired '
                  'only by one that covers every county and year it holds',
                  o.batch_id, c.name, o.survey_year, p_new)
      FROM public.batches b
      JOIN public.batch_scope o ON o.batch_id = b.batch_id
      JOIN public.counties c ON c.fips = o.fips
     WHERE b.superseded_by = p_new
       AND NOT EXISTS (SELECT 1 FROM public.batch_scope n
                        WHERE n.batch_id = p_new AND n.survey_year = o.survey_year
                          AND n.fips = o.fips)
     ORDER BY o.batch_id, o.survey_year, o.fips
     LIMIT 1
$$;

-- End a load, before COMMIT: the batch's row count is what its rows add
-- up to in batch_scope (refused when the loader counted otherwise, or when
-- no row came), its load time now(); the sha256 of the file's bytes is the
-- loader's (the database never sees the file). The batches it supersedes
-- must be covered by its rows: frames go in after prevalence_supersede
-- (their unique index), so this is where their coverage is first known.
-- A second load of the same bytes committed meanwhile makes the UPDATE
-- fail with 23505, which the loader reads as "already loaded".
CREATE FUNCTION prevalence_finish_batch(p_batch bigint, p_sha256 text, p_row_count bigint)
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
    n bigint;
    problem text;
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
    UPDATE public.batches SET sha256 = p_sha256, row_count = n, loaded_at = now()
     WHERE batch_id = p_batch;
    DELETE FROM public.open_batches WHERE batch_id = p_batch;
END
$$;

-- At COMMIT: every batch this transaction opened has been finished.
-- Deferred, so it runs when the loader is done; SET CONSTRAINTS ...
-- IMMEDIATE only makes it run earlier, while the batch is still open.
CREATE FUNCTION prevalence_open_batches_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.open_batches WHERE batch_id = NEW.batch_id) THEN
        RAISE EXCEPTION 'permission denied: batch % was opened but not finished '
                        '(prevalence_finish_batch) before COMMIT', NEW.batch_id
              USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER open_batches_finished AFTER INSERT ON open_batches
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION prevalence_open_batches_check();

-- ---- superseding ------------------------------------------------------------------
-- 003's function, with two more rules: the new batch must be open in this
-- transaction (not merely created at now()); a login listed in
-- collector_counties may retire only batches of its own counties; and the
-- new batch must cover every county-year of the batches it retires. A
-- responses file's rows are in before the loader calls this, so coverage
-- is checked here; a frame file's rows go in afterwards, and
-- prevalence_finish_batch checks it again for every kind.
CREATE OR REPLACE FUNCTION prevalence_supersede(p_kind text, p_old bigint[], p_new bigint)
    RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer;
    allowed text[];
    bad record;
    problem text;
BEGIN
    IF NOT public.prevalence_batch_is_open(p_new, p_kind) THEN
        RAISE EXCEPTION 'permission denied: batch % is not a % batch opened by this transaction',
                        p_new, p_kind
              USING ERRCODE = 'insufficient_privilege';
    END IF;
    allowed := ARRAY(SELECT fips FROM public.collector_counties WHERE member = session_user);
    IF cardinality(allowed) > 0 THEN
        SELECT s.batch_id, s.fips INTO bad
          FROM public.batch_scope s
         WHERE s.batch_id = ANY (p_old) AND s.batch_id <> p_new AND s.fips <> ALL (allowed)
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'permission denied: % may retire batches of counties % only, and '
                            'batch % holds %', session_user, array_to_string(allowed, ', '),
                            bad.batch_id, bad.fips
                  USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF p_kind = 'responses' THEN
        UPDATE public.responses SET active = false
         WHERE batch_id = ANY (p_old) AND batch_id <> p_new AND active;
    ELSE
        UPDATE public.frames SET active = false
         WHERE batch_id = ANY (p_old) AND batch_id <> p_new AND active;
    END IF;
    UPDATE public.batches
       SET superseded = true, superseded_by = p_new, superseded_at = now()
     WHERE batch_id = ANY (p_old) AND batch_id <> p_new AND kind = p_kind AND NOT superseded;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF p_kind = 'responses' THEN
        problem := public.prevalence_coverage_problem(p_new);
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION 'permission denied: %', problem
                  USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN n;
END
$$;

-- ---- the per-year load lock -----------------------------------------------------
-- A load holds the lock of each survey year in its file from its checks
-- against loaded data until COMMIT, so two loads of one year cannot both
-- pass the "once per year" check. It was an advisory lock, which any role
-- can take; a row of this table can be locked only by a role with UPDATE
-- on it, and only the owner has that: the collector locks through
-- prevalence_lock_load_years. One row per year the CHECKs allow.
CREATE TABLE load_locks (
    survey_year integer PRIMARY KEY CHECK (survey_year BETWEEN 2000 AND 2100)
);
INSERT INTO load_locks SELECT generate_series(2000, 2100);

-- Lock the years in ascending order (two loads never wait on each other in
-- a circle). A load waits for another load of the same year; after
-- lock_timeout (the session's, or 2 minutes when it has none) it gives up
-- with a message that names the year, SQLSTATE 55P03.
CREATE FUNCTION prevalence_lock_load_years(p_years integer[]) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    y integer;
    old text := current_setting('lock_timeout');
BEGIN
    IF old = '0' THEN
        PERFORM set_config('lock_timeout', '2min', true);
    END IF;
    BEGIN
        FOR y IN SELECT DISTINCT u FROM unnest(p_years) u ORDER BY u LOOP
            PERFORM 1 FROM public.load_locks WHERE survey_year = y FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'survey year % is outside 2000-2100', y
                      USING ERRCODE = 'data_exception';
            END IF;
        END LOOP;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'another load of year % is running; try again', y
              USING ERRCODE = 'lock_not_available';
    END;
    PERFORM set_config('lock_timeout', old, true);
END
$$;

-- ---- status --verify: each batch against its rows ---------------------------------
-- Empty unless something other than prevalence_finish_batch and the row
-- triggers wrote a batch or its scope (an owner's repair, data loaded
-- before 004). A full read of responses, like response_integrity.
CREATE VIEW batch_integrity AS
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
     WHERE c.kind IS NOT NULL AND c.kind <> b.kind;

-- ---- ownership and privileges ---------------------------------------------------
ALTER TABLE open_batches OWNER TO prevalence_owner;
ALTER TABLE load_locks OWNER TO prevalence_owner;
ALTER VIEW batch_integrity OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_batch_is_open(bigint, text) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_open_batch(text, text, text) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_rows_check() OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_coverage_problem(bigint) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_finish_batch(bigint, text, bigint) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_open_batches_check() OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_supersede(text, bigint[], bigint) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_lock_load_years(integer[]) OWNER TO prevalence_owner;

REVOKE ALL ON open_batches, load_locks, batch_integrity
    FROM PUBLIC, prevalence_collector, prevalence_analyst, prevalence_reader;
REVOKE ALL ON FUNCTION prevalence_batch_is_open(bigint, text),
                       prevalence_open_batch(text, text, text),
                       prevalence_rows_check(),
                       prevalence_coverage_problem(bigint),
                       prevalence_finish_batch(bigint, text, bigint),
                       prevalence_open_batches_check(),
                       prevalence_supersede(text, bigint[], bigint),
                       prevalence_lock_load_years(integer[])
    FROM PUBLIC;

-- The collector writes batches and their scope only through the functions.
REVOKE INSERT, UPDATE ON batches, batch_scope FROM prevalence_collector;
GRANT EXECUTE ON FUNCTION prevalence_open_batch(text, text, text),
                          prevalence_finish_batch(bigint, text, bigint),
                          prevalence_supersede(text, bigint[], bigint),
                          prevalence_lock_load_years(integer[])
    TO prevalence_collector;
GRANT SELECT ON batch_integrity TO prevalence_collector;
-- The analyst reads everything (a row lock needs UPDATE, which it lacks).
GRANT SELECT ON open_batches, load_locks, batch_integrity TO prevalence_analyst;

-- ---- what no role needs -------------------------------------------------------------
-- Large objects are storage outside every table and grant above: any role
-- could keep arbitrary data there. Nothing in prevalence uses them. The
-- lo_* functions belong to the bootstrap superuser, so only a superuser
-- can revoke them (per database); `init` by a database owner that is not
-- one warns, and docs/security.md gives the statement to run.
-- TEMP: no command needs a temporary table. CREATE: only the owner
-- creates objects, in the public schema.
DO $$
DECLARE
    f regprocedure;
    r text;
    super boolean := (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user);
BEGIN
    IF super THEN
        FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'pg_catalog'::regnamespace
                    AND (p.proname LIKE 'lo\_%' OR p.proname IN ('loread', 'lowrite')) LOOP
            EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        END LOOP;
    END IF;
    IF pg_catalog.has_database_privilege(current_user, current_database(),
                                         'TEMPORARY WITH GRANT OPTION') THEN
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, prevalence_owner, '
                       'prevalence_collector, prevalence_analyst, prevalence_reader',
                       current_database());
    END IF;
    IF pg_catalog.has_database_privilege(current_user, current_database(),
                                         'CREATE WITH GRANT OPTION') THEN
        EXECUTE format('REVOKE CREATE ON DATABASE %I FROM PUBLIC, prevalence_collector, '
                       'prevalence_analyst, prevalence_reader', current_database());
    END IF;
    IF pg_catalog.has_schema_privilege(current_user, 'public', 'CREATE WITH GRANT OPTION') THEN
        REVOKE CREATE ON SCHEMA public
            FROM PUBLIC, prevalence_collector, prevalence_analyst, prevalence_reader;
    END IF;
    -- Say what is left for someone with more rights to do.
    FOREACH r IN ARRAY ARRAY['prevalence_owner', 'prevalence_collector',
                             'prevalence_analyst', 'prevalence_reader'] LOOP
        IF pg_catalog.has_function_privilege(r, 'pg_catalog.lo_creat(integer)', 'EXECUTE')
           OR pg_catalog.has_function_privilege(r, 'pg_catalog.lo_from_bytea(oid, bytea)',
                                                'EXECUTE') THEN
            RAISE WARNING '% can still create large objects: as a superuser, revoke EXECUTE '
                          'on the lo_* functions from PUBLIC in this database '
                          '(docs/security.md, "Setting up a shared PostgreSQL server")', r;
        END IF;
        IF pg_catalog.has_database_privilege(r, current_database(), 'TEMPORARY') THEN
            RAISE WARNING '% can still create temporary tables: as the database owner, '
                          'REVOKE TEMPORARY ON DATABASE % FROM PUBLIC', r, current_database();
        END IF;
        IF r <> 'prevalence_owner'
           AND pg_catalog.has_schema_privilege(r, 'public', 'CREATE') THEN
            RAISE WARNING '% can still create objects in schema public: as its owner, '
                          'REVOKE CREATE ON SCHEMA public FROM PUBLIC', r;
        END IF;
    END LOOP;
END
$$;
