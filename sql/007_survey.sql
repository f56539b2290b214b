-- 007_survey: the anonymous officer questionnaire (docs/commands/survey.md).
--
-- An officer answers at /r with a single-use access code. The database
-- keeps, per code, only its keyed hash (HMAC-SHA256 under survey_key), the
-- county and year it was issued for, and its state; per answer, only the
-- answer itself and the date it was given. No name, address, client, user
-- agent or time of day exists anywhere to be joined to an answer.
--
-- Answers stay in survey_answers while the year is open (an officer may
-- change theirs with the same code: the row is replaced). `survey close`
-- loads each county's answers as one responses batch through the collector,
-- with every rule of a file load; until then no estimate sees them (an
-- estimate that moved with each answer would give single answers away).
--
-- Only the owner and prevalence_web reach these tables; the link from a
-- code to its answer (survey_codes.answer_id) is readable by nobody else.

CREATE TABLE survey_windows (
    survey_year integer PRIMARY KEY CHECK (survey_year BETWEEN 2000 AND 2100),
    opened_on   date NOT NULL DEFAULT current_date,
    closes_on   date,
    closed_on   date,
    reopened    integer NOT NULL DEFAULT 0
);

-- The service's key for code hashes: 32 random bytes made at `survey open`.
CREATE TABLE survey_key (
    id  integer PRIMARY KEY CHECK (id = 1),
    key bytea NOT NULL CHECK (length(key) = 32)
);

CREATE TABLE survey_answers (
    answer_id    text PRIMARY KEY CHECK (answer_id ~ '^Q(-[0-9]{3}){5}$'),
    survey_year  integer NOT NULL REFERENCES survey_windows (survey_year),
    fips         text NOT NULL REFERENCES counties (fips),
    role         text NOT NULL CHECK (role IN ('probation_officer', 'supervisor', 'other')),
    caseload     integer NOT NULL CHECK (caseload BETWEEN 0 AND 1000),
    confirmed    integer NOT NULL CHECK (confirmed >= 0),
    suspected    integer NOT NULL CHECK (suspected >= 0),
    answered_on  date NOT NULL DEFAULT current_date,
    CHECK (confirmed + suspected <= caseload)
);
CREATE INDEX survey_answers_year_county ON survey_answers (survey_year, fips);

CREATE TABLE survey_codes (
    code_hash   bytea PRIMARY KEY CHECK (length(code_hash) = 32),
    survey_year integer NOT NULL REFERENCES survey_windows (survey_year),
    fips        text NOT NULL REFERENCES counties (fips),
    state       text NOT NULL DEFAULT 'unused' CHECK (state IN ('unused', 'used', 'revoked')),
    answer_id   text UNIQUE REFERENCES survey_answers (answer_id),
    issued_on   date NOT NULL DEFAULT current_date,
    CHECK ((state = 'used') = (answer_id IS NOT NULL))
);
CREATE INDEX survey_codes_year_county ON survey_codes (survey_year, fips);

ALTER TABLE survey_windows OWNER TO prevalence_owner;
ALTER TABLE survey_key OWNER TO prevalence_owner;
ALTER TABLE survey_answers OWNER TO prevalence_owner;
ALTER TABLE survey_codes OWNER TO prevalence_owner;
REVOKE ALL ON survey_windows, survey_key, survey_answers, survey_codes FROM PUBLIC;
GRANT SELECT ON survey_windows TO prevalence_web;
GRANT SELECT ON survey_key TO prevalence_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON survey_answers TO prevalence_web;
GRANT SELECT, UPDATE (state, answer_id) ON survey_codes TO prevalence_web;

-- The survey's steps are audited like the web service's.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'login', 'login_failed', 'login_throttled', 'logout', 'upload', 'check',
    'load', 'replace', 'download', 'account_add', 'account_passwd',
    'account_disable', 'denied',
    'survey_open', 'survey_reopen', 'survey_close', 'survey_codes', 'survey_revoke'));
