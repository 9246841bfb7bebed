import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

/** Embedding width of the default (hashing) embedder. */
export const EMBEDDING_DIMENSION = 384

const m0001_core = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE leadforge_meta (key text PRIMARY KEY, value text NOT NULL)`
  yield* sql`CREATE TABLE organizations (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL
  )`
  yield* sql`CREATE TABLE users (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email text NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    created_at timestamptz NOT NULL
  )`
  yield* sql`CREATE UNIQUE INDEX users_org_email ON users (organization_id, lower(email))`
  yield* sql`CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name text NOT NULL,
    role text NOT NULL,
    prefix text NOT NULL,
    hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
  )`
  yield* sql`CREATE INDEX api_keys_org ON api_keys (organization_id, created_at DESC, id)`
  yield* sql`CREATE TABLE leads (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    identity_key text NOT NULL,
    company_name text NOT NULL,
    domain text,
    website text,
    industry text,
    employee_count integer,
    funding_stage text,
    location jsonb,
    country text GENERATED ALWAYS AS (location ->> 'country') STORED,
    ai_adoption_score integer,
    lead_score integer NOT NULL,
    grade text NOT NULL,
    status text NOT NULL,
    source text NOT NULL,
    tags jsonb NOT NULL DEFAULT '[]',
    owner_id uuid,
    next_follow_up_at timestamptz,
    product_interests jsonb NOT NULL DEFAULT '[]',
    notes text,
    confidence integer NOT NULL,
    provenance jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL,
    search_tsv tsvector GENERATED ALWAYS AS (
      to_tsvector('simple', coalesce(company_name, '') || ' ' || coalesce(domain, ''))
    ) STORED
  )`
  yield* sql`CREATE UNIQUE INDEX leads_org_identity ON leads (organization_id, identity_key)`
  yield* sql`CREATE UNIQUE INDEX leads_org_domain ON leads (organization_id, domain) WHERE domain IS NOT NULL`
  yield* sql`CREATE INDEX leads_org_score ON leads (organization_id, lead_score DESC, id)`
  yield* sql`CREATE INDEX leads_org_created ON leads (organization_id, created_at DESC, id)`
  yield* sql`CREATE INDEX leads_org_status ON leads (organization_id, status)`
  yield* sql`CREATE INDEX leads_org_industry ON leads (organization_id, industry)`
  yield* sql`CREATE INDEX leads_org_country ON leads (organization_id, country)`
  yield* sql`CREATE INDEX leads_org_funding ON leads (organization_id, funding_stage)`
  yield* sql`CREATE INDEX leads_tags ON leads USING gin (tags jsonb_path_ops)`
  yield* sql`CREATE INDEX leads_search ON leads USING gin (search_tsv)`
  yield* sql`CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    lead_id uuid NOT NULL,
    first_name text,
    last_name text,
    email text,
    email_status text NOT NULL,
    email_confidence integer NOT NULL,
    job_title text,
    seniority text NOT NULL,
    department text NOT NULL,
    phone text,
    linkedin_url text,
    source text NOT NULL,
    provenance jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
  )`
  yield* sql`CREATE UNIQUE INDEX contacts_org_email ON contacts (organization_id, lower(email)) WHERE email IS NOT NULL`
  yield* sql`CREATE INDEX contacts_org_lead ON contacts (organization_id, lead_id, created_at, id)`
  yield* sql`CREATE TABLE activities (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    lead_id uuid NOT NULL,
    contact_id uuid,
    kind text NOT NULL,
    occurred_at timestamptz NOT NULL,
    summary text,
    created_at timestamptz NOT NULL
  )`
  yield* sql`CREATE INDEX activities_org_lead ON activities (organization_id, lead_id, occurred_at DESC, id)`
  yield* sql`CREATE TABLE conversations (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    lead_id uuid NOT NULL,
    contact_id uuid,
    subject text NOT NULL,
    messages jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`
  yield* sql`CREATE INDEX conversations_org_lead ON conversations (organization_id, lead_id, updated_at DESC, id)`
  yield* sql`CREATE TABLE data_sources (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    lead_id uuid,
    type text NOT NULL,
    url text,
    raw_payload jsonb,
    confidence integer NOT NULL,
    fetched_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL
  )`
  yield* sql`CREATE INDEX data_sources_org_lead ON data_sources (organization_id, lead_id, created_at DESC, id)`
  yield* sql`CREATE TABLE campaigns (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    name text NOT NULL,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
  )`
  yield* sql`CREATE UNIQUE INDEX campaigns_org_name ON campaigns (organization_id, lower(name))`
  yield* sql`CREATE INDEX campaigns_org_created ON campaigns (organization_id, created_at DESC, id)`
  yield* sql`CREATE TABLE products (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    name text NOT NULL,
    description text,
    category text,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
  )`
  yield* sql`CREATE UNIQUE INDEX products_org_name ON products (organization_id, lower(name))`
  yield* sql`CREATE INDEX products_org_created ON products (organization_id, created_at DESC, id)`
  yield* sql`CREATE TABLE knowledge_docs (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    title text NOT NULL,
    content_type text NOT NULL,
    text text NOT NULL,
    source_url text,
    lead_id uuid,
    content_hash text NOT NULL,
    data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED
  )`
  yield* sql`CREATE UNIQUE INDEX knowledge_docs_org_hash ON knowledge_docs (organization_id, content_hash)`
  yield* sql`CREATE INDEX knowledge_docs_org_created ON knowledge_docs (organization_id, created_at DESC, id)`
  yield* sql`CREATE INDEX knowledge_docs_search ON knowledge_docs USING gin (search_tsv)`
  yield* sql`CREATE TABLE audit_events (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    sequence integer NOT NULL,
    at timestamptz NOT NULL,
    actor jsonb NOT NULL,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL,
    details jsonb NOT NULL,
    prev_hash text,
    hash text NOT NULL
  )`
  yield* sql`CREATE UNIQUE INDEX audit_events_org_sequence ON audit_events (organization_id, sequence)`
  yield* sql`CREATE INDEX audit_events_org_entity ON audit_events (organization_id, entity_type, entity_id, sequence)`
  yield* sql`CREATE TABLE audit_heads (
    organization_id uuid PRIMARY KEY,
    sequence integer NOT NULL
  )`
  yield* sql`CREATE TABLE research_tasks (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    kind text NOT NULL,
    status text NOT NULL,
    data jsonb NOT NULL,
    attempts integer NOT NULL,
    max_attempts integer NOT NULL,
    run_after timestamptz NOT NULL,
    lease_owner text,
    lease_expires_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`
  yield* sql`CREATE INDEX research_tasks_claim ON research_tasks (status, run_after) WHERE status IN ('queued', 'running')`
  yield* sql`CREATE INDEX research_tasks_org_created ON research_tasks (organization_id, created_at DESC, id)`
})

/**
 * Vector chunks. With pgvector available (PGlite with the vector extension, or a Postgres built with it) the
 * embedding is `vector(384)`; otherwise it is `real[]` and `leadforge_meta.vector_backend` says `none`, so the
 * vector port can tell the operator that another index (Qdrant or exact in-memory) is needed.
 */
const m0002_vectors = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const available = yield* sql<{ readonly n: number }>`
    SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'vector'`
  const pgvector = (available[0]?.n ?? 0) > 0
  if (pgvector) yield* sql`CREATE EXTENSION IF NOT EXISTS vector`
  const embedding = pgvector ? sql.literal(`vector(${EMBEDDING_DIMENSION})`) : sql.literal("real[]")
  yield* sql`CREATE TABLE knowledge_chunks (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    document_id uuid NOT NULL REFERENCES knowledge_docs(id) ON DELETE CASCADE,
    ordinal integer NOT NULL,
    text text NOT NULL,
    embedding ${embedding} NOT NULL
  )`
  yield* sql`CREATE INDEX knowledge_chunks_org_doc ON knowledge_chunks (organization_id, document_id, ordinal)`
  yield* sql`INSERT INTO leadforge_meta (key, value) VALUES ('vector_backend', ${pgvector ? "pgvector" : "none"})`
})

/**
 * Knowledge search: chunk-level full text (so hybrid search can rank chunks, not whole documents), and chunk
 * embeddings of any width (the index records the embedder; the copy kept with the chunk follows it).
 */
const m0003_knowledge_search = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE knowledge_chunks
    ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED`
  yield* sql`CREATE INDEX knowledge_chunks_search ON knowledge_chunks USING gin (search_tsv)`
  const backend = yield* sql<{ readonly value: string }>`SELECT value FROM leadforge_meta WHERE key = 'vector_backend'`
  if (backend[0]?.value === "pgvector") yield* sql`ALTER TABLE knowledge_chunks ALTER COLUMN embedding TYPE vector`
})

/**
 * The registry of pgvector indexes: which embedder and dimension each `leadforge_vectors_<name>` table was built
 * with. A plain table (no vector type), so it exists on every database; the per-index tables, whose column type
 * carries the embedder's dimension, are created by the pgvector adapter when an index is first opened. Earlier
 * versions created this table from the adapter, hence IF NOT EXISTS.
 */
const m0004_vector_indexes = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS leadforge_vector_indexes (
    name text PRIMARY KEY,
    embedder_id text NOT NULL,
    dimension integer NOT NULL,
    distance text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`
})

/**
 * People: a user is one account across organizations (email unique, case-insensitively) with one role in each
 * organization it belongs to. Users of 0001 (one row per organization and email) become one account per email
 * (the oldest row's id) with a membership per organization. Sessions (browser cookies and API-client token
 * families), refresh tokens and one-time links (invitations, password resets) hold only SHA-256 hashes of their
 * secrets.
 */
const m0006_people = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE memberships (
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    role text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (organization_id, user_id)
  )`
  yield* sql`INSERT INTO memberships (organization_id, user_id, role, created_at)
    SELECT u.organization_id, first.id, u.role, u.created_at
    FROM users u
    JOIN (SELECT DISTINCT ON (lower(email)) id, lower(email) AS email FROM users ORDER BY lower(email), created_at, id)
      AS first ON first.email = lower(u.email)
    ON CONFLICT DO NOTHING`
  yield* sql`DELETE FROM users WHERE id NOT IN (SELECT user_id FROM memberships)`
  yield* sql`DROP INDEX users_org_email`
  yield* sql`ALTER TABLE users DROP COLUMN organization_id`
  yield* sql`ALTER TABLE users DROP COLUMN role`
  yield* sql`ALTER TABLE users ADD COLUMN password_hash text`
  yield* sql`ALTER TABLE users ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0`
  yield* sql`ALTER TABLE users ADD COLUMN locked_until timestamptz`
  yield* sql`ALTER TABLE users ADD COLUMN updated_at timestamptz`
  yield* sql`UPDATE users SET updated_at = created_at`
  yield* sql`ALTER TABLE users ALTER COLUMN updated_at SET NOT NULL`
  yield* sql`CREATE UNIQUE INDEX users_email ON users (lower(email))`
  yield* sql`ALTER TABLE memberships ADD FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE`
  yield* sql`CREATE INDEX memberships_user ON memberships (user_id, created_at)`
  yield* sql`CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind text NOT NULL,
    token_hash text UNIQUE,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_reason text
  )`
  yield* sql`CREATE INDEX sessions_user ON sessions (user_id)`
  yield* sql`CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
  )`
  yield* sql`CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)`
  yield* sql`CREATE TABLE one_time_links (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email text,
    role text,
    user_id uuid REFERENCES users(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
  )`
  yield* sql`CREATE INDEX one_time_links_org ON one_time_links (organization_id, created_at DESC)`
})

/**
 * Drops the document-level tsvector and its GIN index: full-text search ranks chunks (knowledge_chunks.search_tsv),
 * nothing reads the document's, and computing it for a 1 MB document was one statement of about a second, which on
 * the embedded database keeps the server's thread for all of it.
 */
const m0009_knowledge_docs_without_tsvector = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE knowledge_docs DROP COLUMN IF EXISTS search_tsv`
})

const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

/** Where a migration leaves what it wants the operator to read (`leadforge migrate` prints it). */
export const migrationReportKey = (id: number, name: string) =>
  `migration_report:${String(id).padStart(4, "0")}_${name}`

/**
 * Foreign keys for every reference to a lead or a contact, with the rule the model intends: what belongs to a lead
 * (contacts, activities, conversations, data sources) goes with it; a knowledge document stands on its own and is
 * unlinked; an activity or conversation outlives its contact, unlinked; a research task is history (who asked for
 * what, and how it ended) and is unlinked too: one still queued then fails as "no such lead" when it runs. Research
 * tasks get a `lead_id` column (it was only inside `data.input`), set where that lead still exists. Rows left behind
 * by earlier versions, which deleted only the lead row, are removed or unlinked first: counted in the log and in
 * the migration report.
 */
const m0005_foreign_keys = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const count = (rows: ReadonlyArray<unknown>) => rows.length
  const noLead = (table: string) => sql.literal(`NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = ${table}.lead_id)`)
  const noContact = (table: string) =>
    sql.literal(
      `${table}.contact_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = ${table}.contact_id)`
    )

  yield* sql`ALTER TABLE research_tasks ADD COLUMN lead_id uuid`
  yield* sql`UPDATE research_tasks t SET lead_id = l.id FROM leads l
    WHERE t.data -> 'input' ->> 'leadId' ~ ${UUID_PATTERN} AND l.id = (t.data -> 'input' ->> 'leadId')::uuid`

  const removed = {
    contacts: count(yield* sql`DELETE FROM contacts WHERE ${noLead("contacts")} RETURNING id`),
    activities: count(yield* sql`DELETE FROM activities WHERE ${noLead("activities")} RETURNING id`),
    conversations: count(yield* sql`DELETE FROM conversations WHERE ${noLead("conversations")} RETURNING id`),
    dataSources: count(
      yield* sql`DELETE FROM data_sources WHERE lead_id IS NOT NULL AND ${noLead("data_sources")} RETURNING id`
    )
  }
  const unlinked = {
    knowledgeDocs: count(
      yield* sql`UPDATE knowledge_docs SET lead_id = NULL
        WHERE lead_id IS NOT NULL AND ${noLead("knowledge_docs")} RETURNING id`
    ),
    activityContacts: count(
      yield* sql`UPDATE activities SET contact_id = NULL WHERE ${noContact("activities")} RETURNING id`
    ),
    conversationContacts: count(
      yield* sql`UPDATE conversations SET contact_id = NULL WHERE ${noContact("conversations")} RETURNING id`
    )
  }

  const reference = (table: string, column: string, target: string, rule: "CASCADE" | "SET NULL") =>
    Effect.zipRight(
      sql.unsafe(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_${column}_fkey FOREIGN KEY (${column}) ` +
          `REFERENCES ${target}(id) ON DELETE ${rule}`
      ),
      // the referencing side needs its own index, or every delete of a lead scans the table
      sql.unsafe(`CREATE INDEX ${table}_${column} ON ${table} (${column})`)
    )
  yield* reference("contacts", "lead_id", "leads", "CASCADE")
  yield* reference("activities", "lead_id", "leads", "CASCADE")
  yield* reference("activities", "contact_id", "contacts", "SET NULL")
  yield* reference("conversations", "lead_id", "leads", "CASCADE")
  yield* reference("conversations", "contact_id", "contacts", "SET NULL")
  yield* reference("data_sources", "lead_id", "leads", "CASCADE")
  yield* reference("research_tasks", "lead_id", "leads", "SET NULL")
  yield* reference("knowledge_docs", "lead_id", "leads", "SET NULL")

  const total = Object.values(removed).reduce((a, b) => a + b, 0) + Object.values(unlinked).reduce((a, b) => a + b, 0)
  const report =
    total === 0
      ? "no orphaned rows"
      : `removed orphaned rows (${describeCounts(removed)}); unlinked (${describeCounts(unlinked)})`
  yield* sql`INSERT INTO leadforge_meta (key, value) VALUES (${migrationReportKey(5, "foreign_keys")}, ${report})`
  // an operator should see what was removed; a clean database is not news
  yield* (total === 0 ? Effect.logDebug : Effect.logWarning)(`0005_foreign_keys: ${report}`)
})

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ")

/**
 * Contacts across leads: a newest-first index for the organization-wide list, and full-text search over name
 * (weight A), email (B: the address and its parts, so `lovelace` finds ada.lovelace@acme.com) and job title (C);
 * the company's name comes from the lead's own search index at query time.
 */
const m0007_contact_search = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE INDEX contacts_org_created ON contacts (organization_id, created_at DESC, id DESC)`
  yield* sql`ALTER TABLE contacts ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(email, '') || ' ' || translate(coalesce(email, ''), '@.+_-', '     ')), 'B') ||
    setweight(to_tsvector('simple', coalesce(job_title, '')), 'C')
  ) STORED`
  yield* sql`CREATE INDEX contacts_search ON contacts USING gin (search_tsv)`
})

/** The one ordered list of migrations, used by PostgreSQL and PGlite alike, by `<id>_<name>`. */
export const migrationRecord = {
  "0001_core": m0001_core,
  "0002_vectors": m0002_vectors,
  "0003_knowledge_search": m0003_knowledge_search,
  "0004_vector_indexes": m0004_vector_indexes,
  "0005_foreign_keys": m0005_foreign_keys,
  "0006_people": m0006_people,
  "0007_contact_search": m0007_contact_search,
  "0009_knowledge_docs_without_tsvector": m0009_knowledge_docs_without_tsvector
}

export const migrations: Migrator.Loader = Migrator.fromRecord(migrationRecord)

/** What the migration left for the operator to read (see migrationReportKey), if anything. */
export const migrationReport = (id: number, name: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ readonly value: string }>`SELECT value FROM leadforge_meta WHERE key = ${migrationReportKey(id, name)}`
  ).pipe(Effect.map((rows) => rows[0]?.value ?? null))

/** Applies every pending migration in one transaction; returns the ones applied (none when at head). */
export const migrate = Migrator.make({})({ loader: migrations, table: "leadforge_migrations" })

/** Which vector storage the migrations chose: `pgvector` or `none` (embeddings stored as real[]). */
export const vectorBackend = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ readonly value: string }>`SELECT value FROM leadforge_meta WHERE key = 'vector_backend'`
  return rows[0]?.value === "pgvector" ? ("pgvector" as const) : ("none" as const)
})
