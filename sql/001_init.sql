-- 001_init: counties, survey frames, ingest batches and caseload responses.
-- Forward-only: later changes go in 002_*.sql and up, never edit this file
-- once it has been applied anywhere.

CREATE TABLE counties (
    fips text PRIMARY KEY CHECK (fips ~ '^04[0-9]{3}$'),
    name text NOT NULL UNIQUE
);

INSERT INTO counties (fips, name) VALUES
    ('04001', 'Apache'),
    ('04003', 'Cochise'),
    ('04005', 'Coconino'),
    ('04007', 'Gila'),
    ('04009', 'Graham'),
    ('04011', 'Greenlee'),
    ('04012', 'La Paz'),
    ('04013', 'Maricopa'),
    ('04015', 'Mohave'),
    ('04017', 'Navajo'),
    ('04019', 'Pima'),
    ('04021', 'Pinal'),
    ('04023', 'Santa Cruz'),
    ('04025', 'Yavapai'),
    ('04027', 'Yuma');

-- One row per file that was loaded: its provenance. A batch is never
-- deleted; a corrected file supersedes it (superseded = true) and both
-- stay on record.
CREATE TABLE batches (
    batch_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('responses', 'frame')),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    file_name     text NOT NULL,
    row_count     bigint NOT NULL CHECK (row_count >= 0),
    loaded_at     timestamptz NOT NULL DEFAULT now(),
    tool_version  text NOT NULL,
    superseded    boolean NOT NULL DEFAULT false,
    superseded_by bigint REFERENCES batches (batch_id),
    superseded_at timestamptz,
    CHECK (superseded = (superseded_by IS NOT NULL))
);
-- The same bytes are one active batch at most: this is what makes a
-- second load of one file (even a concurrent one) a no-op.
CREATE UNIQUE INDEX batches_active_sha256 ON batches (sha256) WHERE NOT superseded;

-- Survey frame: all officers and all youth on probation in a county on the
-- survey date. Gives sampling fractions (fpc) and weights.
CREATE TABLE frames (
    batch_id       bigint NOT NULL REFERENCES batches (batch_id),
    survey_year    integer NOT NULL CHECK (survey_year BETWEEN 2000 AND 2100),
    fips           text NOT NULL REFERENCES counties (fips),
    officers_total integer NOT NULL CHECK (officers_total > 0),
    youth_total    integer NOT NULL CHECK (youth_total >= 0),
    active         boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX frames_active_year_county ON frames (survey_year, fips) WHERE active;
CREATE INDEX frames_batch ON frames (batch_id);

-- One row per survey respondent. The CHECKs mirror the collector's
-- validation so that nothing bypassing it can store an impossible row.
-- `active` repeats the batch's status so the uniqueness rule below can be
-- an index: one respondent once per survey year among active batches.
CREATE TABLE responses (
    batch_id      bigint NOT NULL REFERENCES batches (batch_id),
    survey_year   integer NOT NULL CHECK (survey_year BETWEEN 2000 AND 2100),
    fips          text NOT NULL REFERENCES counties (fips),
    respondent_id text NOT NULL CHECK (respondent_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    role          text NOT NULL DEFAULT 'probation_officer'
                  CHECK (role IN ('probation_officer', 'supervisor', 'other')),
    caseload      integer NOT NULL CHECK (caseload BETWEEN 0 AND 1000),
    confirmed     integer NOT NULL CHECK (confirmed >= 0),
    suspected     integer NOT NULL CHECK (suspected >= 0),
    active        boolean NOT NULL DEFAULT true,
    CHECK (confirmed + suspected <= caseload)
);
CREATE UNIQUE INDEX responses_active_year_respondent
    ON responses (survey_year, respondent_id) WHERE active;
CREATE INDEX responses_batch ON responses (batch_id);
