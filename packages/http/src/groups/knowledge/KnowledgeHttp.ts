import { HttpApiBuilder } from "@effect/platform"
import {
  deleteDocument,
  FieldIssue,
  ingestDocument,
  type KnowledgeDocId,
  type LeadId,
  listDocuments,
  loadDocument,
  reindexOrganization,
  type SearchMode,
  searchKnowledge,
  similarLeads,
  ValidationFailed
} from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { Forbidden, problemBody, ServiceUnavailable } from "../../contract/Problems.js"
import { CurrentPrincipal } from "../../contract/Security.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { withIndex } from "../knowledgeBackend.js"

const describe = (error: unknown) =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

/** An index built by another embedder is a configuration problem of the server: 503 naming the fix. */
const indexMismatch = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    effect,
    (e): e is Extract<E, { readonly _tag: "IndexMismatch" }> =>
      typeof e === "object" && e !== null && "_tag" in e && e._tag === "IndexMismatch",
    (e) => Effect.fail(new ServiceUnavailable(problemBody(503, { code: "index_mismatch", detail: describe(e) })))
  )

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids in bodies are checked here so a malformed one is a 422 naming it, never a database error. */
const idIssues = (fields: Record<string, string | null | undefined>) =>
  Object.entries(fields).flatMap(([field, value]) =>
    value === undefined || value === null || UUID.test(value)
      ? []
      : [new FieldIssue({ field, code: "invalid", message: "must be a UUID" })]
  )

const failIfAny = (entity: string, issues: ReadonlyArray<FieldIssue>) =>
  issues.length === 0 ? Effect.void : Effect.fail(new ValidationFailed({ entity, issues }))

/** A document without its text. */
const summary = <D extends { readonly text: string }>(doc: D): Omit<D, "text"> => {
  const { text: _omitted, ...rest } = doc
  return rest
}

const search = (input: {
  readonly query?: string | undefined
  readonly k?: number | undefined
  readonly documentId?: string | undefined
  readonly leadId?: string | undefined
  readonly mode?: string | undefined
}) =>
  Effect.gen(function* () {
    const ctx = yield* useCaseContext
    yield* failIfAny("search", idIssues({ documentId: input.documentId, leadId: input.leadId }))
    const mode = (input.mode ?? "hybrid") as SearchMode
    const hits = yield* searchKnowledge(ctx, {
      query: input.query ?? "",
      mode,
      ...(input.k === undefined ? {} : { k: input.k }),
      ...(input.documentId === undefined ? {} : { documentId: input.documentId as KnowledgeDocId }),
      ...(input.leadId === undefined ? {} : { leadId: input.leadId as LeadId })
    })
    return { mode, items: hits.map((hit) => ({ ...hit, document: summary(hit.document) })) }
  }).pipe(indexMismatch, withIndex, mapDomainErrors)

export const KnowledgeHttp = HttpApiBuilder.group(LeadforgeApi, "knowledge", (handlers) =>
  handlers
    .handle("ingest", ({ payload }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        yield* failIfAny("knowledge document", idIssues({ leadId: payload.leadId }))
        const result = yield* ingestDocument(ctx, {
          title: payload.title ?? "",
          text: payload.text ?? "",
          ...(payload.contentType === undefined
            ? {}
            : { contentType: payload.contentType as "text" | "markdown" | "html" }),
          ...(payload.sourceUrl === undefined ? {} : { sourceUrl: payload.sourceUrl }),
          ...(payload.leadId === undefined ? {} : { leadId: payload.leadId as LeadId | null })
        })
        return { document: summary(result.document), chunkCount: result.chunkCount, status: result.status }
      }).pipe(indexMismatch, withIndex, mapDomainErrors)
    )
    .handle("list", () =>
      Effect.gen(function* () {
        const docs = yield* listDocuments(yield* useCaseContext)
        return { items: docs.map(summary) }
      }).pipe(mapDomainErrors)
    )
    .handle("get", ({ path }) =>
      Effect.flatMap(useCaseContext, (ctx) => loadDocument(ctx, path.id)).pipe(mapDomainErrors)
    )
    .handle("delete", ({ path }) =>
      Effect.flatMap(useCaseContext, (ctx) => deleteDocument(ctx, path.id)).pipe(
        Effect.asVoid,
        withIndex,
        mapDomainErrors
      )
    )
    .handle("reindex", () =>
      Effect.gen(function* () {
        const principal = yield* CurrentPrincipal
        if (principal.role !== "admin") {
          return yield* Effect.fail(
            new Forbidden(problemBody(403, { code: "forbidden", detail: "reindexing needs an admin key" }))
          )
        }
        return yield* reindexOrganization(yield* useCaseContext)
      }).pipe(indexMismatch, withIndex, mapDomainErrors)
    )
    .handle("search", ({ payload }) => search(payload))
    .handle("searchQuery", ({ urlParams }) => search(urlParams))
    .handle("similar", ({ path, urlParams }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        return { items: yield* similarLeads(ctx, path.id, urlParams.k ?? 10) }
      }).pipe(indexMismatch, withIndex, mapDomainErrors)
    )
)
