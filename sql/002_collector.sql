-- 002_collector: what the collector needs to load a million rows at close
-- to the speed of a bare COPY (docs/performance.md, "Ingest").
--
-- Measured on COPY of 1,000,000 response rows (medians of 5, seconds):
-- unconstrained table 1.46, with 001's per-row machinery 17-19. Each
-- foreign key adds ~10 s (a trigger query per row), the regex CHECK ~2.9 s,
-- the unique index ~2.8 s and the batch_id index ~2.0 s (one WAL record per
-- index entry), the seven small CHECKs ~0.33 s; one combined CHECK on the
-- integers ~0.07 s.
--
-- So `responses` keeps only per-row rules that cost nothing measurable,
-- and the cross-row rules move to the collector, which checks them for
-- the whole file before COMMIT while holding an advisory lock per survey
-- year (pg_advisory_xact_lock(4242002, year)), so two loads cannot race:
--   * one respondent once per survey year among active batches (was the
--     unique index responses_active_year_respondent);
--   * batch_id names a batch and fips a county (were foreign keys;
--     response_integrity below finds any row that breaks them);
--   * respondent_id is a pseudonymous code (the regex CHECK).
-- Nothing else writes `responses`; `frames` is tiny and keeps 001's rules.

ALTER TABLE responses
    DROP CONSTRAINT responses_batch_id_fkey,
    DROP CONSTRAINT responses_fips_fkey,
    DROP CONSTRAINT responses_respondent_id_check,
    DROP CONSTRAINT responses_role_check,
    DROP CONSTRAINT responses_survey_year_check,
    DROP CONSTRAINT responses_caseload_check,
    DROP CONSTRAINT responses_confirmed_check,
    DROP CONSTRAINT responses_suspected_check,
    DROP CONSTRAINT responses_check;
DROP INDEX responses_active_year_respondent;
DROP INDEX responses_batch;

-- The integer rules of 001 in one expression: one evaluation per row
-- instead of six.
ALTER TABLE responses ADD CONSTRAINT responses_counts_check CHECK (
    survey_year BETWEEN 2000 AND 2100
    AND caseload BETWEEN 0 AND 1000
    AND confirmed >= 0 AND suspected >= 0
    AND confirmed + suspected <= caseload);

-- Which county-years each batch holds, with its row count and total
-- caseload: written by the collector in the batch's own transaction. It
-- answers "what is loaded for Pima 2025" (cross-file checks, --replace,
-- `prevalence batches`, `prevalence status`) without reading `responses`.
CREATE TABLE batch_scope (
    batch_id    bigint NOT NULL REFERENCES batches (batch_id),
    survey_year integer NOT NULL CHECK (survey_year BETWEEN 2000 AND 2100),
    fips        text NOT NULL REFERENCES counties (fips),
    row_count   integer NOT NULL CHECK (row_count > 0),
    caseload    bigint NOT NULL DEFAULT 0 CHECK (caseload >= 0),
    PRIMARY KEY (batch_id, survey_year, fips)
);

-- Rows of `responses` that break a rule the database no longer enforces
-- per row. Empty unless something other than the collector wrote there;
-- `prevalence status` reports it when it is not.
CREATE VIEW response_integrity AS
    SELECT r.survey_year, r.respondent_id, 'respondent listed more than once among active batches' AS problem
      FROM responses r
     WHERE r.active
     GROUP BY r.survey_year, r.respondent_id
    HAVING count(*) > 1
    UNION ALL
    SELECT r.survey_year, r.respondent_id, 'batch_id names no batch'
      FROM responses r
     WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE b.batch_id = r.batch_id)
    UNION ALL
    SELECT r.survey_year, r.respondent_id, 'fips names no county'
      FROM responses r
     WHERE NOT EXISTS (SELECT 1 FROM counties c WHERE c.fips = r.fips)
    UNION ALL
    SELECT r.survey_year, r.respondent_id, 'respondent_id is not a pseudonymous code, or role is unknown'
      FROM responses r
     WHERE r.respondent_id !~ '^[A-Za-z0-9_-]{1,64}$'
        OR r.role NOT IN ('probation_officer', 'supervisor', 'other')
    UNION ALL
    SELECT r.survey_year, r.respondent_id, 'active row of a superseded batch, or the reverse'
      FROM responses r JOIN batches b USING (batch_id)
     WHERE r.active = b.superseded;
