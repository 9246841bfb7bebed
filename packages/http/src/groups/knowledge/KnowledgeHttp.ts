import { HttpApiBuilder } from "@effect/platform"
import {
  checkDocumentSize,
  type DocumentTooLarge,
  deleteDocument,
  FieldIssue,
  getReindex,
  ingestDocument,
  type KnowledgeDocId,
  type LeadId,
  listDocuments,
  loadDocument,
  type ResearchTask,
  type SearchMode,
  searchKnowledge,
  similarLeads,
  submitReindex,
  ValidationFailed
} from "@leadforge/domain"
import { Effect, Option, Schema } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { FieldError, Forbidden, PayloadTooLarge, problemBody, ServiceUnavailable } from "../../contract/Problems.js"
import { CurrentPrincipal } from "../../contract/Security.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { withIndex } from "../knowledgeBackend.js"
import { KnowledgeLimits } from "./KnowledgeLimits.js"

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

/** A document over the limit: 413 naming the limit and the setting. */
const tooLarge = <A, E, R>(effect: Effect.Effect<A, E | DocumentTooLarge, R>) =>
  Effect.catchTag(effect as Effect.Effect<A, DocumentTooLarge, R>, "DocumentTooLarge", (e) =>
    Effect.fail(
      new PayloadTooLarge(
        problemBody(413, {
          code: e.code,
          detail: e.message,
          errors: [new FieldError({ field: "text", code: "too_large", message: `must be at most ${e.limit} bytes` })]
        })
      )
    )
  ) as Effect.Effect<A, Exclude<E, DocumentTooLarge> | PayloadTooLarge, R>

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

const Counts = Schema.Struct({ documents: Schema.Int, chunks: Schema.Int, leads: Schema.Int })

/** A reindex task as the API shows it: its counts once it succeeded. */
const reindexBody = (task: ResearchTask) => ({
  id: task.id,
  status: task.status,
  attempts: task.attempts,
  maxAttempts: task.maxAttempts,
  result: Option.getOrNull(Schema.decodeUnknownOption(Counts)(task.result)),
  error: task.error,
  createdAt: task.createdAt,
  updatedAt: task.updatedAt
})

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
        // the size first, before the text is read or an index is needed: an oversized upload is 413 on any backend
        const { maxDocumentBytes } = yield* KnowledgeLimits
        yield* checkDocumentSize(payload.text, maxDocumentBytes)
        return yield* Effect.gen(function* () {
          const ctx = yield* useCaseContext
          yield* failIfAny("knowledge document", idIssues({ leadId: payload.leadId }))
          const result = yield* ingestDocument(
            ctx,
            {
              title: payload.title ?? "",
              text: payload.text ?? "",
              ...(payload.contentType === undefined
                ? {}
                : { contentType: payload.contentType as "text" | "markdown" | "html" }),
              ...(payload.sourceUrl === undefined ? {} : { sourceUrl: payload.sourceUrl }),
              ...(payload.leadId === undefined ? {} : { leadId: payload.leadId as LeadId | null })
            },
            { maxDocumentBytes }
          )
          return { document: summary(result.document), chunkCount: result.chunkCount, status: result.status }
        }).pipe(indexMismatch, withIndex)
      }).pipe(tooLarge, mapDomainErrors)
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
        return reindexBody(yield* submitReindex(yield* useCaseContext))
      }).pipe(withIndex, mapDomainErrors)
    )
    .handle("reindexStatus", ({ path }) =>
      Effect.flatMap(useCaseContext, (ctx) => getReindex(ctx, path.id)).pipe(Effect.map(reindexBody), mapDomainErrors)
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
