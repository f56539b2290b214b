-- 005_web: accounts, sessions and the audit log of `prevalence serve`
-- (docs/commands/serve.md, docs/security.md "The web service").
--
--   prevalence_web   the service's database role: loads (as
--                    prevalence_collector), reads for the dashboard and the
--                    downloads (as prevalence_analyst), reads accounts,
--                    keeps its sessions, appends to the audit log. It cannot
--                    create or change an account (the `user` command, run
--                    by the owner, does), read a password hash it does not
--                    need (it reads them to check a login), or read, change
--                    or delete the audit log.
--
-- Like the other roles it is a NOLOGIN group: the department grants it to
-- the login the service runs as.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'prevalence_web') THEN
        BEGIN
            CREATE ROLE prevalence_web NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;   -- another database's `init` created it meanwhile
        END;
    END IF;
    IF pg_catalog.has_database_privilege(current_user, current_database(),
                                         'CONNECT WITH GRANT OPTION') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO prevalence_web', current_database());
    END IF;
    IF pg_catalog.has_database_privilege(current_user, current_database(),
                                         'TEMPORARY WITH GRANT OPTION') THEN
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM prevalence_web',
                       current_database());
    END IF;
END
$$;
GRANT prevalence_collector, prevalence_analyst TO prevalence_web;
GRANT USAGE ON SCHEMA public TO prevalence_web;

-- One row per person. A specialist belongs to exactly one county; admins
-- and analysts to none. The password is an Argon2id string from libsodium
-- (crypto_pwhash_str: algorithm, parameters and salt included).
CREATE TABLE web_accounts (
    account_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    role          text NOT NULL CHECK (role IN ('admin', 'analyst', 'specialist')),
    fips          text REFERENCES counties (fips),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    password_set_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'specialist') = (fips IS NOT NULL))
);

-- Server-side sessions: the cookie carries 256 random bits; only their
-- sha256 is stored, so a copy of this table opens no session. Expiry (30
-- minutes idle, 8 hours in all) is decided by the server from these times.
CREATE TABLE web_sessions (
    token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    account_id   bigint NOT NULL REFERENCES web_accounts (account_id) ON DELETE CASCADE,
    csrf         text NOT NULL CHECK (csrf ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_sessions_account ON web_sessions (account_id);

-- What happened, by whom, from where. Never file contents or passwords.
CREATE TABLE audit_log (
    audit_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    account     text NOT NULL DEFAULT '',
    client      text NOT NULL DEFAULT '',
    action      text NOT NULL CHECK (action IN (
                    'login', 'login_failed', 'login_throttled', 'logout', 'upload', 'check',
                    'load', 'replace', 'download', 'account_add', 'account_passwd',
                    'account_disable', 'denied')),
    survey_year integer,
    fips        text,
    batch_id    bigint,
    result      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_failures ON audit_log (action, at) WHERE action = 'login_failed';

-- Login throttling reads the failures of the last minutes without the
-- service being able to read the log itself.
CREATE FUNCTION prevalence_web_login_failures(p_account text, p_client text,
                                              p_window interval,
                                              OUT by_account bigint, OUT by_client bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*) FILTER (WHERE account = p_account),
           count(*) FILTER (WHERE client = p_client)
      FROM public.audit_log
     WHERE action = 'login_failed' AND at > clock_timestamp() - p_window
$$;

ALTER TABLE web_accounts OWNER TO prevalence_owner;
ALTER TABLE web_sessions OWNER TO prevalence_owner;
ALTER TABLE audit_log OWNER TO prevalence_owner;
ALTER FUNCTION prevalence_web_login_failures(text, text, interval) OWNER TO prevalence_owner;

REVOKE ALL ON web_accounts, web_sessions, audit_log
    FROM PUBLIC, prevalence_collector, prevalence_analyst, prevalence_reader;
REVOKE ALL ON FUNCTION prevalence_web_login_failures(text, text, interval) FROM PUBLIC;

GRANT SELECT (account_id, name, role, fips, password_hash, disabled) ON web_accounts
    TO prevalence_web;
GRANT SELECT, INSERT, DELETE ON web_sessions TO prevalence_web;
GRANT UPDATE (last_seen) ON web_sessions TO prevalence_web;
GRANT INSERT (account, client, action, survey_year, fips, batch_id, result) ON audit_log
    TO prevalence_web;
GRANT EXECUTE ON FUNCTION prevalence_web_login_failures(text, text, interval)
    TO prevalence_web;
