--
-- PostgreSQL database dump
--

\restrict gOFNp91jdpaV3onRn2XHg52i71tJ7mJV1m6rdHzVtgz1lkNfn1g9cC9VJHKUUXx

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: prevalence_batches_guard(); Type: FUNCTION; Schema: public; Owner: prevalence_owner
--

CREATE FUNCTION public.prevalence_batches_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
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


ALTER FUNCTION public.prevalence_batches_guard() OWNER TO prevalence_owner;

--
-- Name: prevalence_county_scope_check(); Type: FUNCTION; Schema: public; Owner: prevalence_owner
--

CREATE FUNCTION public.prevalence_county_scope_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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


ALTER FUNCTION public.prevalence_county_scope_check() OWNER TO prevalence_owner;

--
-- Name: prevalence_county_scope_sync(); Type: FUNCTION; Schema: public; Owner: prevalence_owner
--

CREATE FUNCTION public.prevalence_county_scope_sync() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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


ALTER FUNCTION public.prevalence_county_scope_sync() OWNER TO prevalence_owner;

--
-- Name: prevalence_supersede(text, bigint[], bigint); Type: FUNCTION; Schema: public; Owner: prevalence_owner
--

CREATE FUNCTION public.prevalence_supersede(p_kind text, p_old bigint[], p_new bigint) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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


ALTER FUNCTION public.prevalence_supersede(p_kind text, p_old bigint[], p_new bigint) OWNER TO prevalence_owner;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: batch_scope; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.batch_scope (
    batch_id bigint NOT NULL,
    survey_year integer NOT NULL,
    fips text NOT NULL,
    row_count integer NOT NULL,
    caseload bigint DEFAULT 0 NOT NULL,
    CONSTRAINT batch_scope_caseload_check CHECK ((caseload >= 0)),
    CONSTRAINT batch_scope_row_count_check CHECK ((row_count > 0)),
    CONSTRAINT batch_scope_survey_year_check CHECK (((survey_year >= 2000) AND (survey_year <= 2100)))
);


ALTER TABLE public.batch_scope OWNER TO prevalence_owner;

--
-- Name: batches; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.batches (
    batch_id bigint NOT NULL,
    kind text NOT NULL,
    sha256 text NOT NULL,
    file_name text NOT NULL,
    row_count bigint NOT NULL,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL,
    tool_version text NOT NULL,
    superseded boolean DEFAULT false NOT NULL,
    superseded_by bigint,
    superseded_at timestamp with time zone,
    CONSTRAINT batches_check CHECK ((superseded = (superseded_by IS NOT NULL))),
    CONSTRAINT batches_kind_check CHECK ((kind = ANY (ARRAY['responses'::text, 'frame'::text]))),
    CONSTRAINT batches_row_count_check CHECK ((row_count >= 0)),
    CONSTRAINT batches_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);


ALTER TABLE public.batches OWNER TO prevalence_owner;

--
-- Name: batches_batch_id_seq; Type: SEQUENCE; Schema: public; Owner: prevalence_owner
--

ALTER TABLE public.batches ALTER COLUMN batch_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.batches_batch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: collector_counties; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.collector_counties (
    member name NOT NULL,
    fips text NOT NULL
);


ALTER TABLE public.collector_counties OWNER TO prevalence_owner;

--
-- Name: counties; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.counties (
    fips text NOT NULL,
    name text NOT NULL,
    CONSTRAINT counties_fips_check CHECK ((fips ~ '^04[0-9]{3}$'::text))
);


ALTER TABLE public.counties OWNER TO prevalence_owner;

--
-- Name: frames; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.frames (
    batch_id bigint NOT NULL,
    survey_year integer NOT NULL,
    fips text NOT NULL,
    officers_total integer NOT NULL,
    youth_total integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT frames_officers_total_check CHECK ((officers_total > 0)),
    CONSTRAINT frames_survey_year_check CHECK (((survey_year >= 2000) AND (survey_year <= 2100))),
    CONSTRAINT frames_youth_total_check CHECK ((youth_total >= 0))
);


ALTER TABLE public.frames OWNER TO prevalence_owner;

--
-- Name: publications; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.publications (
    publication_id bigint NOT NULL,
    survey_year integer NOT NULL,
    measure text NOT NULL,
    method text NOT NULL,
    level double precision NOT NULL,
    lonely_psu text NOT NULL,
    min_cell integer NOT NULL,
    data_as_of text NOT NULL,
    tool_version text NOT NULL,
    published_at timestamp with time zone DEFAULT now() NOT NULL,
    published_by name DEFAULT SESSION_USER NOT NULL,
    superseded boolean DEFAULT false NOT NULL,
    CONSTRAINT publications_level_check CHECK (((level > (0)::double precision) AND (level < (1)::double precision))),
    CONSTRAINT publications_measure_check CHECK ((measure = ANY (ARRAY['confirmed'::text, 'any'::text]))),
    CONSTRAINT publications_min_cell_check CHECK ((min_cell >= 1)),
    CONSTRAINT publications_survey_year_check CHECK (((survey_year >= 2000) AND (survey_year <= 2100)))
);


ALTER TABLE public.publications OWNER TO prevalence_owner;

--
-- Name: publications_publication_id_seq; Type: SEQUENCE; Schema: public; Owner: prevalence_owner
--

ALTER TABLE public.publications ALTER COLUMN publication_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.publications_publication_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: published_estimates; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.published_estimates (
    publication_id bigint NOT NULL,
    table_name text NOT NULL,
    row_number integer NOT NULL,
    county text NOT NULL,
    fips text NOT NULL,
    respondents text NOT NULL,
    officers_total text NOT NULL,
    coverage_pct text NOT NULL,
    youth_n text NOT NULL,
    cases text NOT NULL,
    estimate_pct text NOT NULL,
    ci_low_pct text NOT NULL,
    ci_high_pct text NOT NULL,
    total_estimate text NOT NULL,
    total_ci_low text NOT NULL,
    total_ci_high text NOT NULL,
    flag text NOT NULL,
    notes text NOT NULL,
    sae_estimate_pct text,
    sae_ci_low_pct text,
    sae_ci_high_pct text,
    sae_flag text,
    CONSTRAINT published_estimates_row_number_check CHECK ((row_number >= 1)),
    CONSTRAINT published_estimates_table_name_check CHECK ((table_name = ANY (ARRAY['county_estimates'::text, 'officer_measure'::text])))
);


ALTER TABLE public.published_estimates OWNER TO prevalence_owner;

--
-- Name: published_county_estimates; Type: VIEW; Schema: public; Owner: prevalence_owner
--

CREATE VIEW public.published_county_estimates AS
 SELECT p.survey_year,
    e.table_name,
    e.row_number,
    e.county,
    e.fips,
    e.respondents,
    e.officers_total,
    e.coverage_pct,
    e.youth_n,
    e.cases,
    e.estimate_pct,
    e.ci_low_pct,
    e.ci_high_pct,
    e.total_estimate,
    e.total_ci_low,
    e.total_ci_high,
    e.flag,
    e.notes,
    e.sae_estimate_pct,
    e.sae_ci_low_pct,
    e.sae_ci_high_pct,
    e.sae_flag,
    p.measure,
    p.method,
    p.level,
    p.lonely_psu,
    p.min_cell,
    p.data_as_of,
    p.published_at
   FROM (public.published_estimates e
     JOIN public.publications p USING (publication_id))
  WHERE (NOT p.superseded);


ALTER TABLE public.published_county_estimates OWNER TO prevalence_owner;

--
-- Name: responses; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.responses (
    batch_id bigint NOT NULL,
    survey_year integer NOT NULL,
    fips text NOT NULL,
    respondent_id text NOT NULL,
    role text DEFAULT 'probation_officer'::text NOT NULL,
    caseload integer NOT NULL,
    confirmed integer NOT NULL,
    suspected integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT responses_counts_check CHECK ((((survey_year >= 2000) AND (survey_year <= 2100)) AND ((caseload >= 0) AND (caseload <= 1000)) AND (confirmed >= 0) AND (suspected >= 0) AND ((confirmed + suspected) <= caseload)))
);


ALTER TABLE public.responses OWNER TO prevalence_owner;

--
-- Name: response_integrity; Type: VIEW; Schema: public; Owner: prevalence_owner
--

CREATE VIEW public.response_integrity AS
 SELECT r.survey_year,
    r.respondent_id,
    'respondent listed more than once among active batches'::text AS problem
   FROM public.responses r
  WHERE r.active
  GROUP BY r.survey_year, r.respondent_id
 HAVING (count(*) > 1)
UNION ALL
 SELECT r.survey_year,
    r.respondent_id,
    'batch_id names no batch'::text AS problem
   FROM public.responses r
  WHERE (NOT (EXISTS ( SELECT 1
           FROM public.batches b
          WHERE (b.batch_id = r.batch_id))))
UNION ALL
 SELECT r.survey_year,
    r.respondent_id,
    'fips names no county'::text AS problem
   FROM public.responses r
  WHERE (NOT (EXISTS ( SELECT 1
           FROM public.counties c
          WHERE (c.fips = r.fips))))
UNION ALL
 SELECT r.survey_year,
    r.respondent_id,
    'respondent_id is not a pseudonymous code, or role is unknown'::text AS problem
   FROM public.responses r
  WHERE ((r.respondent_id !~ '^[A-Za-z0-9_-]{1,64}$'::text) OR (r.role <> ALL (ARRAY['probation_officer'::text, 'supervisor'::text, 'other'::text])))
UNION ALL
 SELECT r.survey_year,
    r.respondent_id,
    'active row of a superseded batch, or the reverse'::text AS problem
   FROM (public.responses r
     JOIN public.batches b USING (batch_id))
  WHERE (r.active = b.superseded);


ALTER TABLE public.response_integrity OWNER TO prevalence_owner;

--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: prevalence_owner
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE public.schema_migrations OWNER TO prevalence_owner;

--
-- Data for Name: batch_scope; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.batch_scope (batch_id, survey_year, fips, row_count, caseload) FROM stdin;
1	2023	04001	2	46
2	2023	04003	2	71
3	2023	04005	3	107
4	2023	04007	1	35
5	2023	04009	1	15
6	2023	04011	1	6
7	2023	04012	1	9
8	2023	04013	73	1779
9	2023	04015	2	66
10	2023	04017	2	76
11	2023	04019	20	524
12	2023	04021	7	210
13	2023	04023	1	30
14	2023	04025	3	79
15	2023	04027	4	98
16	2023	04001	1	0
16	2023	04003	1	0
16	2023	04005	1	0
16	2023	04007	1	0
16	2023	04009	1	0
16	2023	04011	1	0
16	2023	04012	1	0
16	2023	04013	1	0
16	2023	04015	1	0
16	2023	04017	1	0
16	2023	04019	1	0
16	2023	04021	1	0
16	2023	04023	1	0
16	2023	04025	1	0
16	2023	04027	1	0
17	2024	04001	2	45
18	2024	04003	2	44
19	2024	04005	3	106
20	2024	04007	1	30
21	2024	04009	1	15
22	2024	04011	1	5
23	2024	04012	1	8
24	2024	04013	70	1924
25	2024	04015	2	48
26	2024	04017	2	73
27	2024	04019	20	609
28	2024	04021	5	149
29	2024	04023	1	33
30	2024	04025	3	108
31	2024	04027	4	141
32	2024	04001	1	0
32	2024	04003	1	0
32	2024	04005	1	0
32	2024	04007	1	0
32	2024	04009	1	0
32	2024	04011	1	0
32	2024	04012	1	0
32	2024	04013	1	0
32	2024	04015	1	0
32	2024	04017	1	0
32	2024	04019	1	0
32	2024	04021	1	0
32	2024	04023	1	0
32	2024	04025	1	0
32	2024	04027	1	0
33	2025	04001	2	47
34	2025	04003	2	46
35	2025	04005	3	81
36	2025	04007	1	31
37	2025	04009	1	15
38	2025	04011	1	9
39	2025	04012	1	7
40	2025	04013	77	2085
41	2025	04015	2	50
42	2025	04017	2	71
43	2025	04019	20	457
44	2025	04021	7	241
45	2025	04023	1	30
46	2025	04025	3	105
47	2025	04027	3	87
48	2025	04001	1	0
48	2025	04003	1	0
48	2025	04005	1	0
48	2025	04007	1	0
48	2025	04009	1	0
48	2025	04011	1	0
48	2025	04012	1	0
48	2025	04013	1	0
48	2025	04015	1	0
48	2025	04017	1	0
48	2025	04019	1	0
48	2025	04021	1	0
48	2025	04023	1	0
48	2025	04025	1	0
48	2025	04027	1	0
\.


--
-- Data for Name: batches; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.batches (batch_id, kind, sha256, file_name, row_count, loaded_at, tool_version, superseded, superseded_by, superseded_at) FROM stdin;
1	responses	a6509ac579b1fac3d1e55a5c37fe7185e720e0ac5a98811ba79b93c263748c98	responses-apache.csv	2	2026-12-04 22:20:04.01986+00	0.1.0	f	\N	\N
2	responses	d00ddde60688c34cfa51b302f5faf0896861d7d6a0bde5540c251b4999ab2d0b	responses-cochise.csv	2	2026-12-04 22:20:04.023591+00	0.1.0	f	\N	\N
3	responses	434e5f6909231543a4cb33527df365ac25b94d6ac9addd1327f3cf1e08f0dc2a	responses-coconino.csv	3	2026-12-04 22:20:04.024679+00	0.1.0	f	\N	\N
4	responses	839984805f3b952cda172d1facca777d71514a881d267488ee045d60665ab8da	responses-gila.csv	1	2026-12-04 22:20:04.025614+00	0.1.0	f	\N	\N
5	responses	8ec903cc768e8d5eb4393c1362f6ead995ea1b8834c3a2f3434541d27b5b1f45	responses-graham.csv	1	2026-12-04 22:20:04.026586+00	0.1.0	f	\N	\N
6	responses	2294f95c28fa47d466c3bd5eb226c9e000ebfd1a4c082666d9c6ea33700fdfeb	responses-greenlee.csv	1	2026-12-04 22:20:04.031617+00	0.1.0	f	\N	\N
7	responses	f68cd5fe5c9b6aecf23e1f3bd702e52c36f6f4a8c57fd6192f3ad19acd8e5c0d	responses-la-paz.csv	1	2026-12-04 22:20:04.033925+00	0.1.0	f	\N	\N
8	responses	514ed7aba1b773a47fd7dcb27d7196ff4420be731cb231e1b301e331fd739170	responses-maricopa.csv	73	2026-12-04 22:20:04.035574+00	0.1.0	f	\N	\N
9	responses	6e39e148d94212c9bfc4eb437182a7bf2950ae2551fb6d23a164a5bfc11ee6ae	responses-mohave.csv	2	2026-12-04 22:20:04.038632+00	0.1.0	f	\N	\N
10	responses	9c286e9bbebd8b2e6c26984ba085fa25edef2cb6bb1501a16fb3500669fc81b7	responses-navajo.csv	2	2026-12-04 22:20:04.039753+00	0.1.0	f	\N	\N
11	responses	f6ee69a1fddb9b37fccdfbff9a6620f48097ea205dcb328ff5cca5691a573f18	responses-pima.csv	20	2026-12-04 22:20:04.042837+00	0.1.0	f	\N	\N
12	responses	ff44bf9b49f945b293826009d7bd244f8461eec7e8a2f0972b159a0ef7ce2bdb	responses-pinal.csv	7	2026-12-04 22:20:04.04494+00	0.1.0	f	\N	\N
13	responses	93b0875ff16e639a06201d8d43f92db5c888eddf4c72178a05a6bd48fe693d0f	responses-santa-cruz.csv	1	2026-12-04 22:20:04.047115+00	0.1.0	f	\N	\N
14	responses	f75f9478ccaf3ea38a324c443cf65a1d624cbb4cd4957e9c32f05e0bed682333	responses-yavapai.csv	3	2026-12-04 22:20:04.048838+00	0.1.0	f	\N	\N
15	responses	632f7ca7c93ecccf206531e7809a0dd8e5057d31bed2493cef516f1c0b2fd31f	responses-yuma.csv	4	2026-12-04 22:20:04.050689+00	0.1.0	f	\N	\N
16	frame	d7ace706fcf9c9ce6c768095b7371eed6232b544b811046eec360d6ae859bb10	frame.csv	15	2026-12-04 22:20:04.071774+00	0.1.0	f	\N	\N
17	responses	52daa5a693a1fa858d5ffae7e6361fea2989d017a6a0aede1736cd4aac5287f8	responses-apache.csv	2	2026-12-04 22:20:04.098487+00	0.1.0	f	\N	\N
18	responses	4c7b3724a8e267210c1a893c59a6a0911ad04d918af2307ddbf803c2a7755c00	responses-cochise.csv	2	2026-12-04 22:20:04.10496+00	0.1.0	f	\N	\N
19	responses	9888bb3d80b9103e29d49149c2b07db5165f538808015bd5b39c10d420bc1691	responses-coconino.csv	3	2026-12-04 22:20:04.107718+00	0.1.0	f	\N	\N
20	responses	739acb3157df8419320c1e9b0926ae1311aa3594a5bd31711bae721c936138c5	responses-gila.csv	1	2026-12-04 22:20:04.110091+00	0.1.0	f	\N	\N
21	responses	4495b22152a4ce2833c3a63563f12adb9e0e3dea9cbea5fb9d635a3c84611413	responses-graham.csv	1	2026-12-04 22:20:04.11243+00	0.1.0	f	\N	\N
22	responses	fbdf1d0d3e3a4bd4ca2060f1112d3867524b5569ad4ccf84184f017b00363717	responses-greenlee.csv	1	2026-12-04 22:20:04.116752+00	0.1.0	f	\N	\N
23	responses	06d37ac6009f914f346801292b12f6cc0fb25fcf069ce4d00b7121ada46776a9	responses-la-paz.csv	1	2026-12-04 22:20:04.118093+00	0.1.0	f	\N	\N
24	responses	0fd8f3b3b7cb3a7468143aea2099b711dd21696839739f4abcc898bd79317ac5	responses-maricopa.csv	70	2026-12-04 22:20:04.120731+00	0.1.0	f	\N	\N
25	responses	a95fddb0b951e6e71edbab2640f49e732ab06ecb0e9a435364d44e95bd7fc51a	responses-mohave.csv	2	2026-12-04 22:20:04.123663+00	0.1.0	f	\N	\N
26	responses	63d241bb24fa6e0a7cefd0f5db615e9cec6f66d4a021afd9050c0dd34890dc41	responses-navajo.csv	2	2026-12-04 22:20:04.125669+00	0.1.0	f	\N	\N
27	responses	7b3c4acbc947f7872fffcfc91beb0415ce488a9f16f8e9c0f905efc0ba88e044	responses-pima.csv	20	2026-12-04 22:20:04.128184+00	0.1.0	f	\N	\N
28	responses	618ae306acfca59e383355e2cee2128bd464af2d36287b39f11fdb9e6c0b2a8c	responses-pinal.csv	5	2026-12-04 22:20:04.131153+00	0.1.0	f	\N	\N
29	responses	26a86edee4bb32ba59c0fc4d1672e463af65e3d7166cd90fd4e2a5cff124e75a	responses-santa-cruz.csv	1	2026-12-04 22:20:04.13299+00	0.1.0	f	\N	\N
30	responses	e1860b5ece34d429001745cba1cdcccb71ef9b0b9bbf6b94694b5c9bcb2e5467	responses-yavapai.csv	3	2026-12-04 22:20:04.135027+00	0.1.0	f	\N	\N
31	responses	b6c9e61f1df609e22d009743955975459feda0b1bd103b352b4c5098599d1582	responses-yuma.csv	4	2026-12-04 22:20:04.140872+00	0.1.0	f	\N	\N
32	frame	b641512ee512ad988146d6993577e4b45bd65bf64e3b904a3915b3a404282f36	frame.csv	15	2026-12-04 22:20:04.182654+00	0.1.0	f	\N	\N
33	responses	ce83c9978b0831f4f84ab0bc21960c9d30ec2efb2c387df7b98bb1a5865db436	responses-apache.csv	2	2026-12-04 22:20:04.215443+00	0.1.0	f	\N	\N
34	responses	5eb85276fa893f86a3f78374cef235a913293a691fad0b8b6be4c890f6843fe9	responses-cochise.csv	2	2026-12-04 22:20:04.2219+00	0.1.0	f	\N	\N
35	responses	36e81fd1f43c374806bb97e4dddac451be55ec116253b2e8af19301f4ea578fd	responses-coconino.csv	3	2026-12-04 22:20:04.223483+00	0.1.0	f	\N	\N
36	responses	4dfdcde0b70e51969a3e1e3eca1ab54ca6fc63e769498e8bab56fbea4b417407	responses-gila.csv	1	2026-12-04 22:20:04.224981+00	0.1.0	f	\N	\N
37	responses	eae5aed83abf7c4af296846f62f91657d547df409e2fcb75c913f666a767bde9	responses-graham.csv	1	2026-12-04 22:20:04.22623+00	0.1.0	f	\N	\N
38	responses	e1fffa728933fdcdac221d564eacd493f84e80c0c69b750408f481b720812b65	responses-greenlee.csv	1	2026-12-04 22:20:04.227374+00	0.1.0	f	\N	\N
39	responses	9c24feae3e5c08dc8bfe71526df15f706baa1f6e613ec951263ee92f33b325d8	responses-la-paz.csv	1	2026-12-04 22:20:04.228381+00	0.1.0	f	\N	\N
40	responses	5c76c233ea667f51dce0f4cce2a61a09b642e5ce94b1ae05aaa4953df741191c	responses-maricopa.csv	77	2026-12-04 22:20:04.229378+00	0.1.0	f	\N	\N
41	responses	f3625459bf5610c8427d8f7fe10233cc413a31075572ab341fdf7c5e3a983f32	responses-mohave.csv	2	2026-12-04 22:20:04.230703+00	0.1.0	f	\N	\N
42	responses	58fe3634b5264692dd9db7aeb73b19246a2f4453832b4e6ec8f8a89b11cf3db5	responses-navajo.csv	2	2026-12-04 22:20:04.232945+00	0.1.0	f	\N	\N
43	responses	db1888ae578e2dbcd474cc6f1525336409cd3db865da56ef16b208efec78f228	responses-pima.csv	20	2026-12-04 22:20:04.234348+00	0.1.0	f	\N	\N
44	responses	7990e7ca6f701b6e64615832bf02feb410e6a1d404923d3a6e753fe9c5c62273	responses-pinal.csv	7	2026-12-04 22:20:04.237292+00	0.1.0	f	\N	\N
45	responses	83010d7336cdd47e2f7896fad1ee491fbaeed2927c0fa894fd91d096293ebfa5	responses-santa-cruz.csv	1	2026-12-04 22:20:04.242586+00	0.1.0	f	\N	\N
46	responses	fb12987c87debcb18f4a17aabec55ea7bf23a9c291de718085ea83d6e69db8fc	responses-yavapai.csv	3	2026-12-04 22:20:04.24359+00	0.1.0	f	\N	\N
47	responses	af055370552f7800262431b2c314a2cad611c3866b97e87286847c9fc4555a9a	responses-yuma.csv	3	2026-12-04 22:20:04.244496+00	0.1.0	f	\N	\N
48	frame	edc91cdde8daba320ca962ba58798d62af56c9d81fc750dfdd9a9a847afbe548	frame.csv	15	2026-12-04 22:20:04.271312+00	0.1.0	f	\N	\N
\.


--
-- Data for Name: collector_counties; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.collector_counties (member, fips) FROM stdin;
\.


--
-- Data for Name: counties; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.counties (fips, name) FROM stdin;
04001	Apache
04003	Cochise
04005	Coconino
04007	Gila
04009	Graham
04011	Greenlee
04012	La Paz
04013	Maricopa
04015	Mohave
04017	Navajo
04019	Pima
04021	Pinal
04023	Santa Cruz
04025	Yavapai
04027	Yuma
\.


--
-- Data for Name: frames; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.frames (batch_id, survey_year, fips, officers_total, youth_total, active) FROM stdin;
16	2023	04001	2	46	t
16	2023	04003	3	111	t
16	2023	04005	3	107	t
16	2023	04007	1	35	t
16	2023	04009	2	29	t
16	2023	04011	1	6	t
16	2023	04012	1	9	t
16	2023	04013	113	2639	t
16	2023	04015	4	134	t
16	2023	04017	3	112	t
16	2023	04019	23	629	t
16	2023	04021	11	299	t
16	2023	04023	1	30	t
16	2023	04025	4	113	t
16	2023	04027	6	143	t
32	2024	04001	2	45	t
32	2024	04003	3	59	t
32	2024	04005	3	106	t
32	2024	04007	1	30	t
32	2024	04009	2	31	t
32	2024	04011	1	5	t
32	2024	04012	1	8	t
32	2024	04013	107	2778	t
32	2024	04015	4	97	t
32	2024	04017	3	108	t
32	2024	04019	22	639	t
32	2024	04021	10	302	t
32	2024	04023	1	33	t
32	2024	04025	4	108	t
32	2024	04027	6	207	t
48	2025	04001	2	47	t
48	2025	04003	3	68	t
48	2025	04005	3	81	t
48	2025	04007	1	31	t
48	2025	04009	2	32	t
48	2025	04011	1	9	t
48	2025	04012	1	7	t
48	2025	04013	112	3127	t
48	2025	04015	4	96	t
48	2025	04017	3	106	t
48	2025	04019	23	509	t
48	2025	04021	11	355	t
48	2025	04023	1	30	t
48	2025	04025	4	145	t
48	2025	04027	5	153	t
\.


--
-- Data for Name: publications; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.publications (publication_id, survey_year, measure, method, level, lonely_psu, min_cell, data_as_of, tool_version, published_at, published_by, superseded) FROM stdin;
\.


--
-- Data for Name: published_estimates; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.published_estimates (publication_id, table_name, row_number, county, fips, respondents, officers_total, coverage_pct, youth_n, cases, estimate_pct, ci_low_pct, ci_high_pct, total_estimate, total_ci_low, total_ci_high, flag, notes, sae_estimate_pct, sae_ci_low_pct, sae_ci_high_pct, sae_flag) FROM stdin;
\.


--
-- Data for Name: responses; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.responses (batch_id, survey_year, fips, respondent_id, role, caseload, confirmed, suspected, active) FROM stdin;
1	2023	04001	APA-2023-0001	probation_officer	23	1	1	t
1	2023	04001	APA-2023-0002	probation_officer	23	1	0	t
2	2023	04003	CHS-2023-0001	probation_officer	38	4	0	t
2	2023	04003	CHS-2023-0002	probation_officer	33	2	2	t
3	2023	04005	CCN-2023-0001	probation_officer	36	0	1	t
3	2023	04005	CCN-2023-0002	probation_officer	38	3	0	t
3	2023	04005	CCN-2023-0003	probation_officer	33	1	1	t
4	2023	04007	GIL-2023-0001	probation_officer	35	0	0	t
5	2023	04009	GRA-2023-0002	probation_officer	15	0	0	t
6	2023	04011	GRN-2023-0001	probation_officer	6	0	0	t
7	2023	04012	LAP-2023-0001	probation_officer	9	0	0	t
8	2023	04013	MAR-2023-0001	probation_officer	40	3	0	t
8	2023	04013	MAR-2023-0005	probation_officer	37	3	1	t
8	2023	04013	MAR-2023-0006	probation_officer	8	0	1	t
8	2023	04013	MAR-2023-0007	probation_officer	37	5	3	t
8	2023	04013	MAR-2023-0008	probation_officer	10	0	0	t
8	2023	04013	MAR-2023-0010	probation_officer	40	3	0	t
8	2023	04013	MAR-2023-0011	probation_officer	32	0	1	t
8	2023	04013	MAR-2023-0012	probation_officer	37	3	1	t
8	2023	04013	MAR-2023-0014	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0016	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0018	probation_officer	33	1	0	t
8	2023	04013	MAR-2023-0020	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0021	probation_officer	38	3	0	t
8	2023	04013	MAR-2023-0022	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0024	probation_officer	11	2	0	t
8	2023	04013	MAR-2023-0025	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0026	other	11	1	0	t
8	2023	04013	MAR-2023-0027	probation_officer	30	7	1	t
8	2023	04013	MAR-2023-0030	probation_officer	33	0	0	t
8	2023	04013	MAR-2023-0035	probation_officer	30	3	0	t
8	2023	04013	MAR-2023-0036	probation_officer	36	1	0	t
8	2023	04013	MAR-2023-0037	probation_officer	40	3	2	t
8	2023	04013	MAR-2023-0038	probation_officer	37	0	1	t
8	2023	04013	MAR-2023-0039	other	2	0	0	t
8	2023	04013	MAR-2023-0040	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0041	probation_officer	39	2	0	t
8	2023	04013	MAR-2023-0042	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0045	probation_officer	32	3	0	t
8	2023	04013	MAR-2023-0046	probation_officer	39	4	1	t
8	2023	04013	MAR-2023-0050	probation_officer	31	3	1	t
8	2023	04013	MAR-2023-0053	probation_officer	38	3	1	t
8	2023	04013	MAR-2023-0054	probation_officer	31	0	0	t
8	2023	04013	MAR-2023-0055	probation_officer	34	4	1	t
8	2023	04013	MAR-2023-0057	probation_officer	12	2	1	t
8	2023	04013	MAR-2023-0059	other	4	1	0	t
8	2023	04013	MAR-2023-0061	probation_officer	37	0	1	t
8	2023	04013	MAR-2023-0062	probation_officer	37	4	5	t
8	2023	04013	MAR-2023-0064	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0065	supervisor	1	0	0	t
8	2023	04013	MAR-2023-0066	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0067	probation_officer	38	3	0	t
8	2023	04013	MAR-2023-0069	probation_officer	33	4	0	t
8	2023	04013	MAR-2023-0072	probation_officer	34	1	1	t
8	2023	04013	MAR-2023-0073	probation_officer	34	1	1	t
8	2023	04013	MAR-2023-0074	probation_officer	14	0	0	t
8	2023	04013	MAR-2023-0075	probation_officer	30	1	1	t
8	2023	04013	MAR-2023-0077	probation_officer	35	0	2	t
8	2023	04013	MAR-2023-0079	probation_officer	32	1	1	t
8	2023	04013	MAR-2023-0081	probation_officer	37	3	1	t
8	2023	04013	MAR-2023-0082	probation_officer	8	0	0	t
8	2023	04013	MAR-2023-0083	probation_officer	31	0	0	t
8	2023	04013	MAR-2023-0084	probation_officer	11	0	0	t
8	2023	04013	MAR-2023-0085	probation_officer	30	2	0	t
8	2023	04013	MAR-2023-0086	probation_officer	40	2	0	t
8	2023	04013	MAR-2023-0087	probation_officer	34	0	1	t
8	2023	04013	MAR-2023-0088	other	1	0	0	t
8	2023	04013	MAR-2023-0090	probation_officer	34	2	1	t
8	2023	04013	MAR-2023-0092	probation_officer	39	1	1	t
8	2023	04013	MAR-2023-0093	probation_officer	34	1	0	t
8	2023	04013	MAR-2023-0095	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0096	probation_officer	34	0	0	t
8	2023	04013	MAR-2023-0097	supervisor	0	0	0	t
8	2023	04013	MAR-2023-0098	probation_officer	36	2	3	t
8	2023	04013	MAR-2023-0099	probation_officer	38	4	1	t
8	2023	04013	MAR-2023-0101	probation_officer	8	0	0	t
8	2023	04013	MAR-2023-0102	probation_officer	40	0	1	t
8	2023	04013	MAR-2023-0104	probation_officer	33	3	2	t
8	2023	04013	MAR-2023-0106	probation_officer	36	1	0	t
8	2023	04013	MAR-2023-0107	other	12	1	0	t
8	2023	04013	MAR-2023-0108	probation_officer	12	0	0	t
8	2023	04013	MAR-2023-0110	probation_officer	31	2	1	t
8	2023	04013	MAR-2023-0111	probation_officer	33	1	0	t
8	2023	04013	MAR-2023-0113	probation_officer	40	2	0	t
9	2023	04015	MOH-2023-0002	probation_officer	31	3	0	t
9	2023	04015	MOH-2023-0004	probation_officer	35	1	1	t
10	2023	04017	NAV-2023-0001	probation_officer	40	2	0	t
10	2023	04017	NAV-2023-0002	probation_officer	36	1	2	t
11	2023	04019	PIM-2023-0001	probation_officer	30	0	0	t
11	2023	04019	PIM-2023-0002	probation_officer	39	2	0	t
11	2023	04019	PIM-2023-0003	probation_officer	30	5	0	t
11	2023	04019	PIM-2023-0004	probation_officer	38	2	1	t
11	2023	04019	PIM-2023-0005	probation_officer	40	14	4	t
11	2023	04019	PIM-2023-0007	probation_officer	30	1	0	t
11	2023	04019	PIM-2023-0008	other	6	0	0	t
11	2023	04019	PIM-2023-0009	probation_officer	32	3	2	t
11	2023	04019	PIM-2023-0010	probation_officer	32	1	0	t
11	2023	04019	PIM-2023-0011	other	8	1	0	t
11	2023	04019	PIM-2023-0013	probation_officer	37	0	0	t
11	2023	04019	PIM-2023-0015	probation_officer	36	1	0	t
11	2023	04019	PIM-2023-0016	probation_officer	30	0	1	t
11	2023	04019	PIM-2023-0017	probation_officer	14	3	0	t
11	2023	04019	PIM-2023-0018	probation_officer	8	0	1	t
11	2023	04019	PIM-2023-0019	supervisor	0	0	0	t
11	2023	04019	PIM-2023-0020	probation_officer	40	0	1	t
11	2023	04019	PIM-2023-0021	probation_officer	40	0	0	t
11	2023	04019	PIM-2023-0022	supervisor	0	0	0	t
11	2023	04019	PIM-2023-0023	probation_officer	34	0	0	t
12	2023	04021	PIN-2023-0001	probation_officer	38	0	0	t
12	2023	04021	PIN-2023-0002	probation_officer	40	0	0	t
12	2023	04021	PIN-2023-0003	probation_officer	30	0	0	t
12	2023	04021	PIN-2023-0006	probation_officer	33	0	0	t
12	2023	04021	PIN-2023-0007	probation_officer	39	2	1	t
12	2023	04021	PIN-2023-0008	supervisor	0	0	0	t
12	2023	04021	PIN-2023-0010	probation_officer	30	0	0	t
13	2023	04023	SCZ-2023-0001	probation_officer	30	2	0	t
14	2023	04025	YAV-2023-0001	probation_officer	31	1	0	t
14	2023	04025	YAV-2023-0003	probation_officer	40	1	2	t
14	2023	04025	YAV-2023-0004	probation_officer	8	1	0	t
15	2023	04027	YUM-2023-0001	probation_officer	25	3	0	t
15	2023	04027	YUM-2023-0003	probation_officer	26	1	0	t
15	2023	04027	YUM-2023-0004	probation_officer	24	1	0	t
15	2023	04027	YUM-2023-0006	probation_officer	23	1	1	t
17	2024	04001	APA-2024-0001	probation_officer	22	0	0	t
17	2024	04001	APA-2024-0002	probation_officer	23	2	1	t
18	2024	04003	CHS-2024-0001	probation_officer	39	3	6	t
18	2024	04003	CHS-2024-0003	other	5	0	1	t
19	2024	04005	CCN-2024-0001	probation_officer	38	0	0	t
19	2024	04005	CCN-2024-0002	probation_officer	32	2	0	t
19	2024	04005	CCN-2024-0003	probation_officer	36	5	0	t
20	2024	04007	GIL-2024-0001	probation_officer	30	1	0	t
21	2024	04009	GRA-2024-0001	probation_officer	15	0	1	t
22	2024	04011	GRN-2024-0001	probation_officer	5	0	0	t
23	2024	04012	LAP-2024-0001	probation_officer	8	0	0	t
24	2024	04013	MAR-2024-0001	probation_officer	31	7	0	t
24	2024	04013	MAR-2024-0002	probation_officer	32	1	2	t
24	2024	04013	MAR-2024-0004	supervisor	0	0	0	t
24	2024	04013	MAR-2024-0007	probation_officer	32	2	1	t
24	2024	04013	MAR-2024-0009	probation_officer	30	2	0	t
24	2024	04013	MAR-2024-0010	other	0	0	0	t
24	2024	04013	MAR-2024-0012	supervisor	0	0	0	t
24	2024	04013	MAR-2024-0013	probation_officer	40	5	4	t
24	2024	04013	MAR-2024-0015	other	2	0	0	t
24	2024	04013	MAR-2024-0016	probation_officer	11	0	0	t
24	2024	04013	MAR-2024-0017	supervisor	3	1	0	t
24	2024	04013	MAR-2024-0020	probation_officer	40	2	0	t
24	2024	04013	MAR-2024-0021	probation_officer	39	1	0	t
24	2024	04013	MAR-2024-0022	probation_officer	38	4	1	t
24	2024	04013	MAR-2024-0024	probation_officer	32	1	0	t
24	2024	04013	MAR-2024-0025	probation_officer	35	3	4	t
24	2024	04013	MAR-2024-0026	other	3	0	0	t
24	2024	04013	MAR-2024-0027	probation_officer	35	0	1	t
24	2024	04013	MAR-2024-0028	probation_officer	31	0	0	t
24	2024	04013	MAR-2024-0029	probation_officer	37	1	0	t
24	2024	04013	MAR-2024-0030	probation_officer	40	4	3	t
24	2024	04013	MAR-2024-0031	supervisor	2	0	0	t
24	2024	04013	MAR-2024-0032	probation_officer	35	1	1	t
24	2024	04013	MAR-2024-0034	probation_officer	36	0	0	t
24	2024	04013	MAR-2024-0036	probation_officer	13	1	3	t
24	2024	04013	MAR-2024-0038	probation_officer	32	0	0	t
24	2024	04013	MAR-2024-0040	probation_officer	33	4	0	t
24	2024	04013	MAR-2024-0043	probation_officer	32	4	1	t
24	2024	04013	MAR-2024-0044	probation_officer	35	7	1	t
24	2024	04013	MAR-2024-0045	probation_officer	39	2	0	t
24	2024	04013	MAR-2024-0047	probation_officer	33	2	0	t
24	2024	04013	MAR-2024-0048	supervisor	0	0	0	t
24	2024	04013	MAR-2024-0049	probation_officer	38	5	0	t
24	2024	04013	MAR-2024-0051	probation_officer	33	1	1	t
24	2024	04013	MAR-2024-0052	probation_officer	40	0	0	t
24	2024	04013	MAR-2024-0053	probation_officer	34	0	3	t
24	2024	04013	MAR-2024-0054	probation_officer	38	1	0	t
24	2024	04013	MAR-2024-0055	probation_officer	32	0	2	t
24	2024	04013	MAR-2024-0056	probation_officer	40	4	2	t
24	2024	04013	MAR-2024-0058	probation_officer	39	2	3	t
24	2024	04013	MAR-2024-0059	probation_officer	37	1	1	t
24	2024	04013	MAR-2024-0061	probation_officer	33	0	0	t
24	2024	04013	MAR-2024-0063	other	9	0	0	t
24	2024	04013	MAR-2024-0064	probation_officer	37	4	3	t
24	2024	04013	MAR-2024-0065	probation_officer	39	3	1	t
24	2024	04013	MAR-2024-0066	other	10	0	0	t
24	2024	04013	MAR-2024-0068	probation_officer	15	3	0	t
24	2024	04013	MAR-2024-0069	probation_officer	40	3	1	t
24	2024	04013	MAR-2024-0072	other	2	0	0	t
24	2024	04013	MAR-2024-0073	probation_officer	14	1	0	t
24	2024	04013	MAR-2024-0074	probation_officer	40	2	1	t
24	2024	04013	MAR-2024-0075	probation_officer	37	1	0	t
24	2024	04013	MAR-2024-0079	probation_officer	10	0	0	t
24	2024	04013	MAR-2024-0080	probation_officer	32	4	0	t
24	2024	04013	MAR-2024-0081	probation_officer	31	3	0	t
24	2024	04013	MAR-2024-0084	probation_officer	37	0	0	t
24	2024	04013	MAR-2024-0086	probation_officer	15	1	1	t
24	2024	04013	MAR-2024-0087	probation_officer	36	2	2	t
24	2024	04013	MAR-2024-0088	probation_officer	38	4	0	t
24	2024	04013	MAR-2024-0089	probation_officer	33	1	0	t
24	2024	04013	MAR-2024-0093	probation_officer	31	3	1	t
24	2024	04013	MAR-2024-0095	probation_officer	13	2	1	t
24	2024	04013	MAR-2024-0096	probation_officer	32	1	0	t
24	2024	04013	MAR-2024-0098	probation_officer	39	1	2	t
24	2024	04013	MAR-2024-0099	probation_officer	31	0	0	t
24	2024	04013	MAR-2024-0101	probation_officer	40	4	1	t
24	2024	04013	MAR-2024-0102	probation_officer	30	2	0	t
24	2024	04013	MAR-2024-0105	supervisor	0	0	0	t
24	2024	04013	MAR-2024-0106	probation_officer	31	0	0	t
24	2024	04013	MAR-2024-0107	probation_officer	37	3	0	t
25	2024	04015	MOH-2024-0002	probation_officer	22	0	0	t
25	2024	04015	MOH-2024-0004	probation_officer	26	0	0	t
26	2024	04017	NAV-2024-0001	probation_officer	38	7	3	t
26	2024	04017	NAV-2024-0003	probation_officer	35	0	2	t
27	2024	04019	PIM-2024-0001	probation_officer	34	1	1	t
27	2024	04019	PIM-2024-0002	supervisor	0	0	0	t
27	2024	04019	PIM-2024-0003	probation_officer	40	3	1	t
27	2024	04019	PIM-2024-0004	probation_officer	39	3	2	t
27	2024	04019	PIM-2024-0006	probation_officer	37	0	0	t
27	2024	04019	PIM-2024-0007	probation_officer	40	0	0	t
27	2024	04019	PIM-2024-0008	probation_officer	38	2	2	t
27	2024	04019	PIM-2024-0009	probation_officer	32	1	0	t
27	2024	04019	PIM-2024-0010	supervisor	0	0	0	t
27	2024	04019	PIM-2024-0011	probation_officer	33	2	0	t
27	2024	04019	PIM-2024-0012	probation_officer	35	1	2	t
27	2024	04019	PIM-2024-0013	probation_officer	37	2	1	t
27	2024	04019	PIM-2024-0014	supervisor	0	0	0	t
27	2024	04019	PIM-2024-0015	probation_officer	36	4	2	t
27	2024	04019	PIM-2024-0016	probation_officer	37	1	3	t
27	2024	04019	PIM-2024-0017	probation_officer	33	1	0	t
27	2024	04019	PIM-2024-0018	probation_officer	34	0	0	t
27	2024	04019	PIM-2024-0020	probation_officer	40	3	3	t
27	2024	04019	PIM-2024-0021	probation_officer	33	0	0	t
27	2024	04019	PIM-2024-0022	probation_officer	31	4	0	t
28	2024	04021	PIN-2024-0005	probation_officer	36	2	0	t
28	2024	04021	PIN-2024-0006	probation_officer	39	1	0	t
28	2024	04021	PIN-2024-0008	probation_officer	37	4	2	t
28	2024	04021	PIN-2024-0009	probation_officer	37	5	0	t
28	2024	04021	PIN-2024-0010	supervisor	0	0	0	t
29	2024	04023	SCZ-2024-0001	probation_officer	33	5	1	t
30	2024	04025	YAV-2024-0001	probation_officer	34	1	0	t
30	2024	04025	YAV-2024-0003	probation_officer	39	2	1	t
30	2024	04025	YAV-2024-0004	probation_officer	35	1	1	t
31	2024	04027	YUM-2024-0001	probation_officer	30	0	0	t
31	2024	04027	YUM-2024-0002	probation_officer	33	3	1	t
31	2024	04027	YUM-2024-0003	probation_officer	39	3	0	t
31	2024	04027	YUM-2024-0005	probation_officer	39	6	1	t
33	2025	04001	APA-2025-0001	probation_officer	25	0	1	t
33	2025	04001	APA-2025-0002	probation_officer	22	0	0	t
34	2025	04003	CHS-2025-0001	probation_officer	24	2	0	t
34	2025	04003	CHS-2025-0003	probation_officer	22	5	0	t
35	2025	04005	CCN-2025-0001	probation_officer	38	1	1	t
35	2025	04005	CCN-2025-0002	other	3	0	0	t
35	2025	04005	CCN-2025-0003	probation_officer	40	2	1	t
36	2025	04007	GIL-2025-0001	probation_officer	31	3	0	t
37	2025	04009	GRA-2025-0001	probation_officer	15	0	0	t
38	2025	04011	GRN-2025-0001	probation_officer	9	0	0	t
39	2025	04012	LAP-2025-0001	probation_officer	7	0	0	t
40	2025	04013	MAR-2025-0004	probation_officer	33	2	1	t
40	2025	04013	MAR-2025-0005	probation_officer	10	0	1	t
40	2025	04013	MAR-2025-0006	probation_officer	32	3	1	t
40	2025	04013	MAR-2025-0007	supervisor	0	0	0	t
40	2025	04013	MAR-2025-0008	probation_officer	39	2	1	t
40	2025	04013	MAR-2025-0009	other	12	3	0	t
40	2025	04013	MAR-2025-0010	probation_officer	11	1	0	t
40	2025	04013	MAR-2025-0011	probation_officer	36	4	2	t
40	2025	04013	MAR-2025-0012	probation_officer	14	1	0	t
40	2025	04013	MAR-2025-0013	probation_officer	11	1	0	t
40	2025	04013	MAR-2025-0017	supervisor	5	0	0	t
40	2025	04013	MAR-2025-0021	probation_officer	37	2	0	t
40	2025	04013	MAR-2025-0023	probation_officer	11	1	0	t
40	2025	04013	MAR-2025-0024	probation_officer	40	6	0	t
40	2025	04013	MAR-2025-0025	supervisor	0	0	0	t
40	2025	04013	MAR-2025-0027	probation_officer	38	1	1	t
40	2025	04013	MAR-2025-0028	probation_officer	9	0	0	t
40	2025	04013	MAR-2025-0029	probation_officer	36	1	3	t
40	2025	04013	MAR-2025-0031	probation_officer	40	4	1	t
40	2025	04013	MAR-2025-0032	probation_officer	34	4	0	t
40	2025	04013	MAR-2025-0033	probation_officer	31	0	0	t
40	2025	04013	MAR-2025-0034	probation_officer	30	2	0	t
40	2025	04013	MAR-2025-0038	probation_officer	37	0	0	t
40	2025	04013	MAR-2025-0039	probation_officer	37	0	3	t
40	2025	04013	MAR-2025-0041	probation_officer	31	0	2	t
40	2025	04013	MAR-2025-0042	probation_officer	39	2	2	t
40	2025	04013	MAR-2025-0043	probation_officer	10	1	0	t
40	2025	04013	MAR-2025-0044	probation_officer	40	5	2	t
40	2025	04013	MAR-2025-0045	probation_officer	13	1	0	t
40	2025	04013	MAR-2025-0046	probation_officer	38	2	0	t
40	2025	04013	MAR-2025-0048	probation_officer	38	1	0	t
40	2025	04013	MAR-2025-0049	probation_officer	37	4	0	t
40	2025	04013	MAR-2025-0050	probation_officer	36	7	2	t
40	2025	04013	MAR-2025-0051	probation_officer	36	3	2	t
40	2025	04013	MAR-2025-0052	probation_officer	13	0	0	t
40	2025	04013	MAR-2025-0055	probation_officer	37	2	1	t
40	2025	04013	MAR-2025-0057	probation_officer	32	5	0	t
40	2025	04013	MAR-2025-0058	probation_officer	10	0	1	t
40	2025	04013	MAR-2025-0059	probation_officer	37	0	0	t
40	2025	04013	MAR-2025-0060	probation_officer	32	5	0	t
40	2025	04013	MAR-2025-0061	probation_officer	40	0	1	t
40	2025	04013	MAR-2025-0062	probation_officer	32	4	2	t
40	2025	04013	MAR-2025-0063	probation_officer	34	2	1	t
40	2025	04013	MAR-2025-0064	probation_officer	32	0	0	t
40	2025	04013	MAR-2025-0066	probation_officer	33	1	0	t
40	2025	04013	MAR-2025-0068	probation_officer	8	1	0	t
40	2025	04013	MAR-2025-0069	supervisor	0	0	0	t
40	2025	04013	MAR-2025-0070	probation_officer	38	2	0	t
40	2025	04013	MAR-2025-0071	probation_officer	32	1	2	t
40	2025	04013	MAR-2025-0072	probation_officer	32	0	2	t
40	2025	04013	MAR-2025-0073	probation_officer	36	0	1	t
40	2025	04013	MAR-2025-0076	probation_officer	40	11	2	t
40	2025	04013	MAR-2025-0079	probation_officer	35	4	1	t
40	2025	04013	MAR-2025-0080	other	5	0	0	t
40	2025	04013	MAR-2025-0082	probation_officer	31	0	0	t
40	2025	04013	MAR-2025-0083	probation_officer	32	1	1	t
40	2025	04013	MAR-2025-0084	probation_officer	34	4	0	t
40	2025	04013	MAR-2025-0085	supervisor	0	0	0	t
40	2025	04013	MAR-2025-0086	probation_officer	38	3	2	t
40	2025	04013	MAR-2025-0088	supervisor	0	0	0	t
40	2025	04013	MAR-2025-0091	probation_officer	31	0	0	t
40	2025	04013	MAR-2025-0092	other	9	1	0	t
40	2025	04013	MAR-2025-0094	probation_officer	32	7	5	t
40	2025	04013	MAR-2025-0095	probation_officer	36	0	0	t
40	2025	04013	MAR-2025-0096	probation_officer	40	2	1	t
40	2025	04013	MAR-2025-0098	probation_officer	33	1	0	t
40	2025	04013	MAR-2025-0100	probation_officer	36	0	0	t
40	2025	04013	MAR-2025-0101	probation_officer	38	6	1	t
40	2025	04013	MAR-2025-0102	probation_officer	40	0	0	t
40	2025	04013	MAR-2025-0104	probation_officer	37	10	1	t
40	2025	04013	MAR-2025-0105	probation_officer	32	3	0	t
40	2025	04013	MAR-2025-0106	probation_officer	33	3	0	t
40	2025	04013	MAR-2025-0107	probation_officer	38	8	0	t
40	2025	04013	MAR-2025-0108	supervisor	0	0	0	t
40	2025	04013	MAR-2025-0109	probation_officer	13	0	0	t
40	2025	04013	MAR-2025-0110	probation_officer	13	1	1	t
40	2025	04013	MAR-2025-0112	probation_officer	30	2	0	t
41	2025	04015	MOH-2025-0001	probation_officer	26	2	0	t
41	2025	04015	MOH-2025-0003	probation_officer	24	1	2	t
42	2025	04017	NAV-2025-0002	probation_officer	34	1	0	t
42	2025	04017	NAV-2025-0003	probation_officer	37	1	0	t
43	2025	04019	PIM-2025-0001	probation_officer	40	2	2	t
43	2025	04019	PIM-2025-0002	probation_officer	31	4	1	t
43	2025	04019	PIM-2025-0004	probation_officer	14	1	1	t
43	2025	04019	PIM-2025-0006	other	2	0	0	t
43	2025	04019	PIM-2025-0007	probation_officer	32	4	1	t
43	2025	04019	PIM-2025-0008	probation_officer	33	3	2	t
43	2025	04019	PIM-2025-0009	probation_officer	31	2	0	t
43	2025	04019	PIM-2025-0010	probation_officer	10	0	0	t
43	2025	04019	PIM-2025-0011	probation_officer	8	0	0	t
43	2025	04019	PIM-2025-0012	probation_officer	35	1	0	t
43	2025	04019	PIM-2025-0013	probation_officer	32	6	2	t
43	2025	04019	PIM-2025-0014	other	0	0	0	t
43	2025	04019	PIM-2025-0015	probation_officer	30	4	0	t
43	2025	04019	PIM-2025-0016	probation_officer	35	5	3	t
43	2025	04019	PIM-2025-0017	probation_officer	35	2	0	t
43	2025	04019	PIM-2025-0018	probation_officer	36	1	1	t
43	2025	04019	PIM-2025-0020	probation_officer	11	0	1	t
43	2025	04019	PIM-2025-0021	other	3	0	0	t
43	2025	04019	PIM-2025-0022	supervisor	0	0	0	t
43	2025	04019	PIM-2025-0023	probation_officer	39	2	2	t
44	2025	04021	PIN-2025-0003	probation_officer	32	0	0	t
44	2025	04021	PIN-2025-0004	probation_officer	33	1	1	t
44	2025	04021	PIN-2025-0005	probation_officer	31	0	1	t
44	2025	04021	PIN-2025-0006	probation_officer	33	0	0	t
44	2025	04021	PIN-2025-0007	probation_officer	35	3	1	t
44	2025	04021	PIN-2025-0009	probation_officer	38	0	0	t
44	2025	04021	PIN-2025-0011	probation_officer	39	0	1	t
45	2025	04023	SCZ-2025-0001	probation_officer	30	5	2	t
46	2025	04025	YAV-2025-0002	probation_officer	30	3	0	t
46	2025	04025	YAV-2025-0003	probation_officer	37	0	0	t
46	2025	04025	YAV-2025-0004	probation_officer	38	2	2	t
47	2025	04027	YUM-2025-0001	probation_officer	39	7	3	t
47	2025	04027	YUM-2025-0003	probation_officer	13	0	1	t
47	2025	04027	YUM-2025-0005	probation_officer	35	4	3	t
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: prevalence_owner
--

COPY public.schema_migrations (version, name, applied_at) FROM stdin;
1	001_init.sql	2026-12-04 22:20:03.932777+00
2	002_collector.sql	2026-12-04 22:20:03.932777+00
3	003_roles.sql	2026-12-04 22:20:03.932777+00
\.


--
-- Name: batches_batch_id_seq; Type: SEQUENCE SET; Schema: public; Owner: prevalence_owner
--

SELECT pg_catalog.setval('public.batches_batch_id_seq', 49, true);


--
-- Name: publications_publication_id_seq; Type: SEQUENCE SET; Schema: public; Owner: prevalence_owner
--

SELECT pg_catalog.setval('public.publications_publication_id_seq', 1, false);


--
-- Name: batch_scope batch_scope_pkey; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.batch_scope
    ADD CONSTRAINT batch_scope_pkey PRIMARY KEY (batch_id, survey_year, fips);


--
-- Name: batches batches_pkey; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.batches
    ADD CONSTRAINT batches_pkey PRIMARY KEY (batch_id);


--
-- Name: collector_counties collector_counties_pkey; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.collector_counties
    ADD CONSTRAINT collector_counties_pkey PRIMARY KEY (member, fips);


--
-- Name: counties counties_name_key; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.counties
    ADD CONSTRAINT counties_name_key UNIQUE (name);


--
-- Name: counties counties_pkey; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.counties
    ADD CONSTRAINT counties_pkey PRIMARY KEY (fips);


--
-- Name: publications publications_pkey; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.publications
    ADD CONSTRAINT publications_pkey PRIMARY KEY (publication_id);


--
-- Name: published_estimates published_estimates_pkey; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.published_estimates
    ADD CONSTRAINT published_estimates_pkey PRIMARY KEY (publication_id, table_name, row_number);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: batches_active_sha256; Type: INDEX; Schema: public; Owner: prevalence_owner
--

CREATE UNIQUE INDEX batches_active_sha256 ON public.batches USING btree (sha256) WHERE (NOT superseded);


--
-- Name: frames_active_year_county; Type: INDEX; Schema: public; Owner: prevalence_owner
--

CREATE UNIQUE INDEX frames_active_year_county ON public.frames USING btree (survey_year, fips) WHERE active;


--
-- Name: frames_batch; Type: INDEX; Schema: public; Owner: prevalence_owner
--

CREATE INDEX frames_batch ON public.frames USING btree (batch_id);


--
-- Name: publications_current; Type: INDEX; Schema: public; Owner: prevalence_owner
--

CREATE UNIQUE INDEX publications_current ON public.publications USING btree (survey_year) WHERE (NOT superseded);


--
-- Name: batches batches_guard; Type: TRIGGER; Schema: public; Owner: prevalence_owner
--

CREATE TRIGGER batches_guard BEFORE UPDATE ON public.batches FOR EACH ROW EXECUTE FUNCTION public.prevalence_batches_guard();


--
-- Name: collector_counties collector_counties_sync; Type: TRIGGER; Schema: public; Owner: prevalence_owner
--

CREATE TRIGGER collector_counties_sync AFTER INSERT OR DELETE OR TRUNCATE ON public.collector_counties FOR EACH STATEMENT EXECUTE FUNCTION public.prevalence_county_scope_sync();


--
-- Name: batch_scope batch_scope_batch_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.batch_scope
    ADD CONSTRAINT batch_scope_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.batches(batch_id);


--
-- Name: batch_scope batch_scope_fips_fkey; Type: FK CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.batch_scope
    ADD CONSTRAINT batch_scope_fips_fkey FOREIGN KEY (fips) REFERENCES public.counties(fips);


--
-- Name: batches batches_superseded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.batches
    ADD CONSTRAINT batches_superseded_by_fkey FOREIGN KEY (superseded_by) REFERENCES public.batches(batch_id);


--
-- Name: collector_counties collector_counties_fips_fkey; Type: FK CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.collector_counties
    ADD CONSTRAINT collector_counties_fips_fkey FOREIGN KEY (fips) REFERENCES public.counties(fips);


--
-- Name: frames frames_batch_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.frames
    ADD CONSTRAINT frames_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.batches(batch_id);


--
-- Name: frames frames_fips_fkey; Type: FK CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.frames
    ADD CONSTRAINT frames_fips_fkey FOREIGN KEY (fips) REFERENCES public.counties(fips);


--
-- Name: published_estimates published_estimates_publication_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: prevalence_owner
--

ALTER TABLE ONLY public.published_estimates
    ADD CONSTRAINT published_estimates_publication_id_fkey FOREIGN KEY (publication_id) REFERENCES public.publications(publication_id);


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: pg_database_owner
--

GRANT ALL ON SCHEMA public TO prevalence_owner;
GRANT USAGE ON SCHEMA public TO prevalence_collector;
GRANT USAGE ON SCHEMA public TO prevalence_analyst;
GRANT USAGE ON SCHEMA public TO prevalence_reader;


--
-- Name: FUNCTION prevalence_batches_guard(); Type: ACL; Schema: public; Owner: prevalence_owner
--

REVOKE ALL ON FUNCTION public.prevalence_batches_guard() FROM PUBLIC;


--
-- Name: FUNCTION prevalence_county_scope_check(); Type: ACL; Schema: public; Owner: prevalence_owner
--

REVOKE ALL ON FUNCTION public.prevalence_county_scope_check() FROM PUBLIC;


--
-- Name: FUNCTION prevalence_county_scope_sync(); Type: ACL; Schema: public; Owner: prevalence_owner
--

REVOKE ALL ON FUNCTION public.prevalence_county_scope_sync() FROM PUBLIC;


--
-- Name: FUNCTION prevalence_supersede(p_kind text, p_old bigint[], p_new bigint); Type: ACL; Schema: public; Owner: prevalence_owner
--

REVOKE ALL ON FUNCTION public.prevalence_supersede(p_kind text, p_old bigint[], p_new bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.prevalence_supersede(p_kind text, p_old bigint[], p_new bigint) TO prevalence_collector;


--
-- Name: TABLE batch_scope; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT,INSERT ON TABLE public.batch_scope TO prevalence_collector;
GRANT SELECT ON TABLE public.batch_scope TO prevalence_analyst;


--
-- Name: TABLE batches; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.batches TO prevalence_collector;
GRANT SELECT ON TABLE public.batches TO prevalence_analyst;


--
-- Name: COLUMN batches.kind; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(kind) ON TABLE public.batches TO prevalence_collector;


--
-- Name: COLUMN batches.sha256; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(sha256),UPDATE(sha256) ON TABLE public.batches TO prevalence_collector;


--
-- Name: COLUMN batches.file_name; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(file_name) ON TABLE public.batches TO prevalence_collector;


--
-- Name: COLUMN batches.row_count; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(row_count),UPDATE(row_count) ON TABLE public.batches TO prevalence_collector;


--
-- Name: COLUMN batches.loaded_at; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT UPDATE(loaded_at) ON TABLE public.batches TO prevalence_collector;


--
-- Name: COLUMN batches.tool_version; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(tool_version) ON TABLE public.batches TO prevalence_collector;


--
-- Name: TABLE collector_counties; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.collector_counties TO prevalence_collector;
GRANT SELECT ON TABLE public.collector_counties TO prevalence_analyst;


--
-- Name: TABLE counties; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.counties TO prevalence_collector;
GRANT SELECT ON TABLE public.counties TO prevalence_analyst;


--
-- Name: TABLE frames; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.frames TO prevalence_collector;
GRANT SELECT ON TABLE public.frames TO prevalence_analyst;


--
-- Name: COLUMN frames.batch_id; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(batch_id) ON TABLE public.frames TO prevalence_collector;


--
-- Name: COLUMN frames.survey_year; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(survey_year) ON TABLE public.frames TO prevalence_collector;


--
-- Name: COLUMN frames.fips; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(fips) ON TABLE public.frames TO prevalence_collector;


--
-- Name: COLUMN frames.officers_total; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(officers_total) ON TABLE public.frames TO prevalence_collector;


--
-- Name: COLUMN frames.youth_total; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(youth_total) ON TABLE public.frames TO prevalence_collector;


--
-- Name: TABLE publications; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.publications TO prevalence_analyst;


--
-- Name: TABLE published_estimates; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.published_estimates TO prevalence_analyst;


--
-- Name: TABLE published_county_estimates; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.published_county_estimates TO prevalence_analyst;
GRANT SELECT ON TABLE public.published_county_estimates TO prevalence_reader;


--
-- Name: TABLE responses; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.responses TO prevalence_analyst;


--
-- Name: COLUMN responses.batch_id; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT(batch_id),INSERT(batch_id) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.survey_year; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT(survey_year),INSERT(survey_year) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.fips; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT(fips),INSERT(fips) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.respondent_id; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT(respondent_id),INSERT(respondent_id) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.role; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(role) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.caseload; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(caseload) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.confirmed; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(confirmed) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.suspected; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT INSERT(suspected) ON TABLE public.responses TO prevalence_collector;


--
-- Name: COLUMN responses.active; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT(active) ON TABLE public.responses TO prevalence_collector;


--
-- Name: TABLE response_integrity; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.response_integrity TO prevalence_collector;
GRANT SELECT ON TABLE public.response_integrity TO prevalence_analyst;


--
-- Name: TABLE schema_migrations; Type: ACL; Schema: public; Owner: prevalence_owner
--

GRANT SELECT ON TABLE public.schema_migrations TO prevalence_collector;
GRANT SELECT ON TABLE public.schema_migrations TO prevalence_analyst;


--
-- PostgreSQL database dump complete
--

\unrestrict gOFNp91jdpaV3onRn2XHg52i71tJ7mJV1m6rdHzVtgz1lkNfn1g9cC9VJHKUUXx

