-- 003_roles: who may do what (docs/security.md).
--
--   prevalence_owner      owns every object; runs `init` and `publish`
--   prevalence_collector  loads batches (`load`, `check`, `batches`,
--                         `status`); never reads the survey answers, never
--                         updates or deletes a response
--   prevalence_analyst    reads everything (`estimate`, `report`,
--                         `export`, `trend`); writes nothing
--   prevalence_reader     reads the published, protected county tables
--                         (the view published_county_estimates) and
--                         nothing else
--
-- The roles are NOLOGIN groups: a department GRANTs them to its own login
-- users. No password is set here or anywhere in the repository. Roles are
-- cluster-wide while this file runs once per database, so each CREATE ROLE
-- checks pg_roles first and tolerates a concurrent `init` creating it in
-- another database; a role that already exists is left as it is (its
-- LOGIN, password and members belong to the department).
--
-- Convention for later migrations: every object a migration creates is
-- given to prevalence_owner (ALTER ... OWNER TO) and granted to the roles
-- that need it, in that same file. tests/db/test_security_db.c fails when
-- an object in the schema is owned by anyone else or readable by
-- prevalence_reader.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['prevalence_owner', 'prevalence_collector',
                             'prevalence_analyst', 'prevalence_reader'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;   -- another database's `init` created it meanwhile
            END;
        END IF;
    END LOOP;
    -- Handing objects to prevalence_owner needs membership in it (a
    -- superuser has it already): whoever initialises the schema becomes
    -- one of its owners, as they were before this migration.
    IF NOT pg_catalog.pg_has_role(current_user, 'prevalence_owner', 'MEMBER') THEN
        EXECUTE format('GRANT prevalence_owner TO %I', current_user);
    END IF;
    -- A department may have revoked CONNECT from PUBLIC; the roles keep it.
    IF pg_catalog.has_database_privilege(current_user, current_database(),
                                         'CONNECT WITH GRANT OPTION') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO prevalence_owner, '
                       'prevalence_collector, prevalence_analyst, prevalence_reader',
                       current_database());
    END IF;
END
$$;

-- Later migrations run by a member of prevalence_owner create tables here.
GRANT USAGE, CREATE ON SCHEMA public TO prevalence_owner;
GRANT USAGE ON SCHEMA public TO prevalence_collector, prevalence_analyst, prevalence_reader;

-- ---- what has been published ------------------------------------------------
-- `prevalence publish` stores the report's two published tables, cell by
-- cell exactly as tables/county_estimates.csv and tables/officer_measure.csv
-- print them (small counts as '<10', hidden cells as 'x', NCHS-suppressed
-- estimates as '*'), model-based columns included. Nothing unprotected is
-- ever written here. A new
-- publication for a year supersedes the previous one; both stay on record.
CREATE TABLE publications (
    publication_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_year    integer NOT NULL CHECK (survey_year BETWEEN 2000 AND 2100),
    measure        text NOT NULL CHECK (measure IN ('confirmed', 'any')),
    method         text NOT NULL,
    level          double precision NOT NULL CHECK (level > 0 AND level < 1),
    lonely_psu     text NOT NULL,
    min_cell       integer NOT NULL CHECK (min_cell >= 1),
    data_as_of     text NOT NULL,
    tool_version   text NOT NULL,
    published_at   timestamptz NOT NULL DEFAULT now(),
    published_by   name NOT NULL DEFAULT session_user,
    superseded     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX publications_current ON publications (survey_year) WHERE NOT superseded;

CREATE TABLE published_estimates (
    publication_id bigint NOT NULL REFERENCES publications (publication_id),
    table_name     text NOT NULL CHECK (table_name IN ('county_estimates', 'officer_measure')),
    row_number     integer NOT NULL CHECK (row_number >= 1),
    county         text NOT NULL,
    fips           text NOT NULL,
    respondents    text NOT NULL,
    officers_total text NOT NULL,
    coverage_pct   text NOT NULL,
    youth_n        text NOT NULL,
    cases          text NOT NULL,
    estimate_pct   text NOT NULL,
    ci_low_pct     text NOT NULL,
    ci_high_pct    text NOT NULL,
    total_estimate text NOT NULL,
    total_ci_low   text NOT NULL,
    total_ci_high  text NOT NULL,
    flag           text NOT NULL,
    notes          text NOT NULL,
    -- the model-based (small-area) columns of the county table; NULL when
    -- the publication has none (the officer table, --no-small-area)
    sae_estimate_pct text,
    sae_ci_low_pct   text,
    sae_ci_high_pct  text,
    sae_flag         text,
    PRIMARY KEY (publication_id, table_name, row_number)
);

-- The reader's one window: the current publication of each year.
CREATE VIEW published_county_estimates AS
    SELECT p.survey_year, e.table_name, e.row_number, e.county, e.fips, e.respondents,
           e.officers_total, e.coverage_pct, e.youth_n, e.cases, e.estimate_pct,
           e.ci_low_pct, e.ci_high_pct, e.total_estimate, e.total_ci_low, e.total_ci_high,
           e.flag, e.notes, e.sae_estimate_pct, e.sae_ci_low_pct, e.sae_ci_high_pct,
           e.sae_flag, p.measure, p.method, p.level, p.lonely_psu, p.min_cell,
           p.data_as_of, p.published_at
      FROM published_estimates e
      JOIN publications p USING (publication_id)
     WHERE NOT p.superseded;

-- ---- the collector's two writes beyond INSERT ---------------------------------
-- Finishing its batch (sha256, row count) is an UPDATE of batches; this
-- trigger confines a non-owner to the batch its own transaction created
-- (loaded_at defaults to now(), the transaction's start time, so another
-- transaction's batch differs from now()) and to batches not superseded.
CREATE FUNCTION prevalence_batches_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_has_role(current_user, 'prevalence_owner', 'USAGE') THEN
        RETURN NEW;
    END IF;
    IF OLD.loaded_at IS DISTINCT FROM now() OR OLD.superseded THEN
        RAISE EXCEPTION 'permission denied: batch % was not created by this transaction',
                        OLD.batch_id
              USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER batches_guard BEFORE UPDATE ON batches
    FOR EACH ROW EXECUTE FUNCTION prevalence_batches_guard();

-- `load --replace`: retire the rows of the batches a corrected file
-- replaces and mark those batches superseded by it. The collector may not
-- UPDATE responses or frames itself; this function (running as the owner)
-- does only this, only for batches of the same kind, and only in favour of
-- a batch created by the calling transaction. Nothing is deleted: the old
-- rows and batches stay on record. Returns the number of batches retired.
CREATE FUNCTION prevalence_supersede(p_kind text, p_old bigint[], p_new bigint)
    RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.batches
                    WHERE batch_id = p_new AND kind = p_kind AND NOT superseded
                      AND loaded_at = now()) THEN
        RAISE EXCEPTION 'permission denied: batch % is not a % batch created by this transaction',
                        p_new, p_kind
              USING ERRCODE = 'insufficient_privilege';
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
    RETURN n;
END
$$;

-- ---- county scoping -----------------------------------------------------------
-- A department whose counties load their own files lists each county's
-- login user here with the counties it may load (docs/security.md). A
-- login listed here can load rows of those counties only; a login not
-- listed (the JJSD data unit) loads any county. Keyed on session_user, the
-- login name, which SET ROLE does not change.
--
-- Why a trigger and not row-level security: PostgreSQL refuses COPY FROM
-- into a table with row-level security for every role it applies to, and
-- the collector loads with COPY. A statement-level trigger sees the whole
-- COPY as one transition table and checks it once, after the rows are in
-- and before anything commits.
CREATE TABLE collector_counties (
    member name NOT NULL,
    fips   text NOT NULL REFERENCES counties (fips),
    PRIMARY KEY (member, fips)
);

CREATE FUNCTION prevalence_county_scope_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    allowed text[];
    bad text;
BEGIN
    allowed := ARRAY(SELECT fips FROM public.collector_counties WHERE member = session_user);
    IF cardinality(allowed) = 0 THEN
        RETURN NULL;
    END IF;
    SELECT n.fips INTO bad FROM new_rows n WHERE n.fips <> ALL (allowed) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'permission denied: % may load only counties %, not %',
                        session_user, array_to_string(allowed, ', '), bad
              USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;

-- Keeping a million-row COPY as a transition table costs some 10-15% of
-- a load (bench/ingest.sh), so the checking triggers exist only while
-- collector_counties lists someone: this trigger adds them with the first
-- row and removes them with the last.
CREATE FUNCTION prevalence_county_scope_sync() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    want boolean := EXISTS (SELECT 1 FROM public.collector_counties);
    have boolean := EXISTS (SELECT 1 FROM pg_trigger
                             WHERE tgname = 'responses_county_scope'
                               AND tgrelid = 'public.responses'::regclass);
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['responses', 'frames', 'batch_scope'] LOOP
        IF want AND NOT have THEN
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON public.%I'
                           ' REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT'
                           ' EXECUTE FUNCTION public.prevalence_county_scope_check()',
                           t || '_county_scope', t);
        ELSIF have AND NOT want THEN
            EXECUTE format('DROP TRIGGER %I ON public.%I', t || '_county_scope', t);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER collector_counties_sync AFTER INSERT OR DELETE OR TRUNCATE
    ON collector_counties
    FOR EACH STATEMENT EXECUTE FUNCTION prevalence_county_scope_sync();

-- ---- ownership ------------------------------------------------------------------
ALTER TABLE counties OWNER TO prevalence_owner;
ALTER TABLE batches OWNER TO prevalence_owner;
ALTER TABLE frames OWNER TO prevalence_owner;
ALTER TABLE responses OWNER TO prevalence_owner;
ALTER TABLE batch_scope OWNER TO prevalence_owner;
ALTER TABLE schema_migrations OWNER TO prevalence_owner;
ALTER TABLE publications OWNER TO prevalence_owner;
ALTER TABLE published_estimates OWNER TO prevalence_owner;
ALTER TABLE collector_counties OWNER TO prevalence_owner;
ALTER VIEW response_integrity OWNER TO prevalence_owner;
ALTER VIEW published_county_estimates OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_batches_guard() OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_supersede(text, bigint[], bigint) OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_county_scope_check() OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_county_scope_sync() OWNER TO prevalence_owner;

-- ---- privileges -----------------------------------------------------------------
-- Start from nothing, whatever a department granted before.
REVOKE ALL ON counties, batches, frames, responses, batch_scope, schema_migrations,
              publications, published_estimates, collector_counties, response_integrity,
              published_county_estimates
    FROM PUBLIC, prevalence_collector, prevalence_analyst, prevalence_reader;
-- Functions are executable by PUBLIC unless revoked.
REVOKE ALL ON FUNCTION prevalence_supersede(text, bigint[], bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION prevalence_batches_guard() FROM PUBLIC;
REVOKE ALL ON FUNCTION prevalence_county_scope_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION prevalence_county_scope_sync() FROM PUBLIC;

-- Collector: provenance and the reference tables it checks files against.
GRANT SELECT ON counties, batches, batch_scope, frames, schema_migrations,
                response_integrity, collector_counties
    TO prevalence_collector;
-- Of responses only what the "one respondent once per year" check needs:
-- never role, caseload, confirmed or suspected.
GRANT SELECT (batch_id, survey_year, fips, respondent_id, active) ON responses
    TO prevalence_collector;
-- Loading: COPY needs INSERT on the columns it names; `active`,
-- `superseded` and `loaded_at` keep their defaults.
GRANT INSERT (kind, sha256, file_name, row_count, tool_version) ON batches
    TO prevalence_collector;
GRANT UPDATE (sha256, row_count, loaded_at) ON batches TO prevalence_collector;
GRANT INSERT (batch_id, survey_year, fips, respondent_id, role, caseload, confirmed, suspected)
    ON responses TO prevalence_collector;
GRANT INSERT (batch_id, survey_year, fips, officers_total, youth_total) ON frames
    TO prevalence_collector;
GRANT INSERT ON batch_scope TO prevalence_collector;
GRANT EXECUTE ON FUNCTION prevalence_supersede(text, bigint[], bigint) TO prevalence_collector;

-- Analyst: reads everything, writes nothing.
GRANT SELECT ON counties, batches, frames, responses, batch_scope, schema_migrations,
                publications, published_estimates, collector_counties,
                response_integrity, published_county_estimates
    TO prevalence_analyst;

-- Reader: the published, protected tables only.
GRANT SELECT ON published_county_estimates TO prevalence_reader;
