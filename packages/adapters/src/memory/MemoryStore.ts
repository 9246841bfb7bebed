import type {
  Activity,
  ApiKey,
  AuditEvent,
  Campaign,
  Contact,
  Conversation,
  DataSource,
  KnowledgeDoc,
  Lead,
  Membership,
  OneTimeLink,
  Organization,
  Product,
  RefreshToken,
  ResearchTask,
  Session,
  User,
  ValidationFailed,
  VectorChunk
} from "@leadforge/domain"
import { Context, Effect, HashMap, Layer, Ref } from "effect"
import { invalidCursor } from "../shared/cursor.js"
import type { VectorSegment } from "../vector/exact/VectorSegment.js"

/** Every in-memory table, as persistent maps so a snapshot is just the current value. */
export interface Tables {
  readonly leads: HashMap.HashMap<string, Lead>
  readonly contacts: HashMap.HashMap<string, Contact>
  readonly activities: HashMap.HashMap<string, Activity>
  readonly audit: HashMap.HashMap<string, ReadonlyArray<AuditEvent>>
  readonly knowledge: HashMap.HashMap<
    string,
    { readonly doc: KnowledgeDoc; readonly chunks: ReadonlyArray<VectorChunk> }
  >
  /** One segment per vector index and organization (`<index>/<organizationId>`). */
  readonly vectors: HashMap.HashMap<string, VectorSegment>
  readonly tasks: HashMap.HashMap<string, ResearchTask>
  readonly organizations: HashMap.HashMap<string, Organization>
  readonly users: HashMap.HashMap<string, User>
  /** By `<organizationId>/<userId>`. */
  readonly memberships: HashMap.HashMap<string, Membership>
  readonly sessions: HashMap.HashMap<string, Session>
  readonly links: HashMap.HashMap<string, OneTimeLink>
  /** By token hash. */
  readonly refreshTokens: HashMap.HashMap<string, RefreshToken>
  readonly apiKeys: HashMap.HashMap<string, ApiKey>
  readonly campaigns: HashMap.HashMap<string, Campaign>
  readonly products: HashMap.HashMap<string, Product>
  readonly conversations: HashMap.HashMap<string, Conversation>
  readonly dataSources: HashMap.HashMap<string, DataSource>
}

export const emptyTables: Tables = {
  leads: HashMap.empty(),
  contacts: HashMap.empty(),
  activities: HashMap.empty(),
  audit: HashMap.empty(),
  knowledge: HashMap.empty(),
  vectors: HashMap.empty(),
  tasks: HashMap.empty(),
  organizations: HashMap.empty(),
  users: HashMap.empty(),
  memberships: HashMap.empty(),
  sessions: HashMap.empty(),
  links: HashMap.empty(),
  refreshTokens: HashMap.empty(),
  apiKeys: HashMap.empty(),
  campaigns: HashMap.empty(),
  products: HashMap.empty(),
  conversations: HashMap.empty(),
  dataSources: HashMap.empty()
}

/**
 * The shared state behind every memory adapter: one Ref, so TransactorMemory can snapshot and restore
 * all tables at once, and a lock that serializes writers (the memory analogue of row locks).
 */
export class MemoryStore extends Context.Tag("@leadforge/adapters/memory/MemoryStore")<
  MemoryStore,
  { readonly tables: Ref.Ref<Tables>; readonly lock: Effect.Semaphore }
>() {}

export const MemoryStoreLive: Layer.Layer<MemoryStore> = Layer.effect(
  MemoryStore,
  Effect.gen(function* () {
    const tables = yield* Ref.make(emptyTables)
    const lock = yield* Effect.makeSemaphore(1)
    return { tables, lock }
  })
)

/** Values of a table that belong to one organization. */
export const scoped = <A extends { readonly organizationId: string }>(
  table: HashMap.HashMap<string, A>,
  organizationId: string
): Array<A> => Array.from(HashMap.values(table)).filter((row) => row.organizationId === organizationId)

export const newestFirst = (a: { readonly createdAt: Date }, b: { readonly createdAt: Date }) =>
  b.createdAt.getTime() - a.createdAt.getTime()

export const encodeCursor = (key: ReadonlyArray<string | number>): string =>
  Buffer.from(JSON.stringify(key), "utf8").toString("base64url")

export type KeyType = "string" | "number"

/**
 * The sort key inside a cursor, checked against the list's key types (so a cursor of another list or sort order
 * is refused); `null` when there is none (absent or empty, as `?cursor=` arrives).
 */
export const decodeCursor = (
  cursor: string | undefined,
  keyTypes: ReadonlyArray<KeyType>
): Effect.Effect<ReadonlyArray<string | number> | null, ValidationFailed> => {
  if (cursor === undefined || cursor === "") return Effect.succeed(null)
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
  } catch {
    return Effect.fail(invalidCursor())
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.length === keyTypes.length &&
    parsed.every((value, i) => typeof value === keyTypes[i] && (typeof value !== "number" || Number.isFinite(value)))
  return valid ? Effect.succeed(parsed as Array<string | number>) : Effect.fail(invalidCursor())
}

/** Compares two sort keys descending, element by element. */
export const compareDesc = (a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>): number => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x < y) return 1
    if (x > y) return -1
  }
  return 0
}

/** Keyset pagination over rows sorted descending by `keyOf`, whose elements have the types `keyTypes`. */
export const pageDesc = <A>(
  rows: ReadonlyArray<A>,
  keyOf: (row: A) => ReadonlyArray<string | number>,
  keyTypes: ReadonlyArray<KeyType>,
  query: { readonly limit?: number; readonly cursor?: string }
): Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly nextCursor: string | null }, ValidationFailed> =>
  Effect.map(decodeCursor(query.cursor, keyTypes), (after) => {
    const limit = Math.max(1, Math.min(query.limit ?? 50, 1000))
    const sorted = [...rows].sort((a, b) => compareDesc(keyOf(a), keyOf(b)))
    const remaining = after === null ? sorted : sorted.filter((row) => compareDesc(keyOf(row), after) > 0)
    const items = remaining.slice(0, limit)
    const last = items[items.length - 1]
    return { items, nextCursor: remaining.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
  })
