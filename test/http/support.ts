import { PasswordHasherArgon2 } from "@leadforge/adapters/crypto"
import { connectRedis } from "@leadforge/adapters/redis"
import type * as Runtime from "@leadforge/adapters/runtime"
import { type ServeOptions, start } from "@leadforge/cli"
import {
  Actor,
  createOrganizationWithKey,
  createUser,
  issuePasswordReset,
  type OrganizationId,
  OrganizationRepository,
  type Role,
  type UserId
} from "@leadforge/domain"
import { type LeadforgeClient, makeClient } from "@leadforge/http"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import {
  type PostgresSource,
  pglitePersistence,
  postgresPersistence,
  resolvePostgres
} from "../../packages/adapters/test/support/databases.js"

type Services = Runtime.Provided

/** A person created for a test: sign in with the email and password. */
export interface Person {
  readonly userId: UserId
  readonly email: string
  readonly password: string
  readonly organizationId: OrganizationId
  readonly role: Role
}

export const TEST_PASSWORD = "a long and unlisted pass phrase"

export interface RunningServer {
  readonly baseUrl: string
  readonly port: number
  /** The persistence the server runs on, to start another server on the same database. */
  readonly context: Context.Context<Services>
  readonly adminKey: string
  /** Creates another organization directly in the database, with one key of `role`. */
  readonly newOrganization: (role?: Role) => Promise<{ readonly organizationId: OrganizationId; readonly key: string }>
  /** The first run's invitation for the first admin person (its token). */
  readonly firstInvitation: string
  /** A password reset token for a member of the first organization, as `leadforge users reset-password` makes. */
  readonly passwordReset: (email: string) => Promise<{ readonly token: string }>
  /** The organization the first run created (the admin key's). */
  readonly organizationId: OrganizationId
  /** Creates a person with a password and `role` in an organization (the first one by default). */
  readonly newPerson: (role?: Role, organizationId?: OrganizationId) => Promise<Person>
  readonly close: () => Promise<void>
}

/**
 * Starts the real server on a free port over the given persistence; the first-run admin key is
 * captured. The persistence is built once and shared with the test, which may seed other organizations.
 */
export const startServer = async (
  persistence: Layer.Layer<Services, unknown> | Context.Context<Services>,
  env: Record<string, string> = {},
  /** Extra server options, e.g. a scripted `languageModel` and fast `researchWorker` settings. */
  options: Pick<ServeOptions, "languageModel" | "researchWorker" | "web"> = {}
): Promise<RunningServer> => {
  const scope = Effect.runSync(Scope.make())
  const context: Context.Context<Services> = Context.isContext(persistence)
    ? (persistence as Context.Context<Services>)
    : await Effect.runPromise(Layer.buildWithScope(persistence, scope) as Effect.Effect<Context.Context<Services>>)
  let adminKey = ""
  let firstInvitation = ""
  const { port } = await Effect.runPromise(
    start({
      port: 0,
      host: "127.0.0.1",
      persistence: Layer.succeedContext(context),
      env,
      ...options,
      onBootstrapKey: (key) =>
        Effect.sync(() => {
          adminKey = key
        }),
      onBootstrapInvitation: (token) =>
        Effect.sync(() => {
          firstInvitation = token
        })
    }).pipe(Scope.extend(scope))
  )
  const [first] = await Effect.runPromise(
    Effect.flatMap(OrganizationRepository, (orgs) => orgs.list(1)).pipe(Effect.provide(context))
  )
  const organizationId = first!.id
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    adminKey,
    context,
    organizationId,
    firstInvitation,
    passwordReset: (email) =>
      Effect.runPromise(
        issuePasswordReset({ organizationId, actor: Actor.system }, email).pipe(
          Effect.map(({ token }) => ({ token: Redacted.value(token) })),
          Effect.provide(context)
        )
      ),
    newPerson: (role = "member", inOrganization = organizationId) =>
      Effect.runPromise(
        createUser(
          { organizationId: inOrganization, actor: Actor.system },
          {
            email: `person-${crypto.randomUUID().slice(0, 8)}@example.com`,
            name: `A ${role}`,
            password: Redacted.make(TEST_PASSWORD),
            role
          }
        ).pipe(
          Effect.map(({ user }) => ({
            userId: user.id,
            email: user.email,
            password: TEST_PASSWORD,
            organizationId: inOrganization,
            role
          })),
          Effect.provide(PasswordHasherArgon2),
          Effect.provide(context)
        )
      ),
    newOrganization: (role = "admin") =>
      Effect.runPromise(
        createOrganizationWithKey(`Other org ${Math.random()}`, role).pipe(
          Effect.map(({ organization, key }) => ({ organizationId: organization.id, key: Redacted.value(key) })),
          Effect.provide(context)
        )
      ),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

export const clientFor = (server: RunningServer, key: string) => makeClient({ baseUrl: server.baseUrl, apiKey: key })

export type Client = LeadforgeClient

/** Runs `f` with a typed client for `key`; a failure rejects. */
export const withClient = <A, E>(server: RunningServer, key: string, f: (client: Client) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(clientFor(server, key), f))

/** Runs `f` with a typed client and returns its typed failure (throws if it succeeded). */
export const failureWith = async <A, E>(
  server: RunningServer,
  key: string,
  f: (client: Client) => Effect.Effect<A, E>
): Promise<E> => {
  const exit = await Effect.runPromiseExit(Effect.flatMap(clientFor(server, key), f))
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  if (exit.cause._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return exit.cause.error
}

/** A fetch Response whose JSON body is untyped: these tests inspect bodies the typed client would not accept. */
// biome-ignore lint/suspicious/noExplicitAny: raw JSON from the wire
export type RawResponse = Omit<Response, "json"> & { json(): Promise<any> }

export const raw = (
  server: RunningServer,
  path: string,
  init: RequestInit & { readonly key?: string } = {}
): Promise<RawResponse> => {
  const headers = new Headers(init.headers)
  if (init.key !== undefined) headers.set("authorization", `Bearer ${init.key}`)
  return fetch(`${server.baseUrl}${path}`, { ...init, headers })
}

export const postJson = (
  server: RunningServer,
  path: string,
  key: string,
  body: unknown,
  headers = {}
): Promise<RawResponse> =>
  raw(server, path, {
    method: "POST",
    key,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })

export interface Backend {
  readonly name: string
  /** Why this backend's suites are skipped (reported by name), or undefined when they run. */
  readonly skip: string | undefined
  readonly persistence: () => Promise<Layer.Layer<Services, unknown> | null>
  /** What the server should believe about its environment. */
  readonly env: Record<string, string>
}

/** Decided when the suite is collected, so a missing PostgreSQL skips its suites by name instead of failing them. */
const postgres: PostgresSource = await resolvePostgres()

/** PGlite in a temp dir, and a fresh Postgres database from DATABASE_URL. */
export const backends: ReadonlyArray<Backend> = [
  { name: "pglite", skip: undefined, persistence: async () => pglitePersistence(), env: { DATABASE_URL: "" } },
  {
    name: "postgres",
    skip: postgres.kind === "none" ? postgres.reason : undefined,
    env: { DATABASE_URL: "postgres://configured-by-the-test" },
    persistence: async () => (postgres.kind === "none" ? null : postgresPersistence(postgres))
  }
]

/** A Redis key prefix of one suite's own (REDIS_KEY_PREFIX), so its keys can be removed after it. */
export const redisKeyPrefix = () => `leadforge-test-${crypto.randomUUID()}:`

/** Removes every key under `prefix` from the Redis at `url`. */
export const removeRedisKeys = (url: string, prefix: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(connectRedis(Redacted.make(url), "test cleanup"), (redis) =>
        Effect.promise(async () => {
          const keys = await redis.keys(`${prefix}*`)
          if (keys.length > 0) await redis.del(...keys)
        })
      )
    )
  )
