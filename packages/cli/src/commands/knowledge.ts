import { readFile, stat } from "node:fs/promises"
import * as path from "node:path"
import { Args, Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  type ContentType,
  DocumentTooLarge,
  deleteDocument,
  type Embedder,
  ingestDocument,
  KnowledgeDocId,
  LeadId,
  listDocuments,
  VectorIndex
} from "@leadforge/domain"
import { Effect, Layer, Option } from "effect"
import { CommandFailed, contextFor, emit, json, org, PartialSuccess, UsageError } from "./shared.js"

/**
 * The embedder and vector index from the environment (EMBEDDINGS_URL, QDRANT_URL; otherwise the hashing embedder
 * and pgvector in the database), over the same database as the other commands.
 */
const KnowledgeLayer = Runtime.knowledgeServices.pipe(
  Layer.mapError(
    (error) =>
      new CommandFailed({
        message: `cannot open the vector index: ${error instanceof Error && error.message !== "" ? error.message : String(error)}`
      })
  )
)

/** Runs `effect` with the embedder, the vector index and the database. */
export const withKnowledge = <A, E, R extends Runtime.Provided | Embedder | VectorIndex>(
  effect: Effect.Effect<A, E, R>
) => Effect.provide(Effect.provide(effect, KnowledgeLayer), Runtime.persistence)

/**
 * Runs a lead write with the embedder and vector index when they open, so the use case keeps the lead index in step;
 * when they cannot be opened the write still runs, with a warning that `leadforge reindex` will catch the index up.
 */
export const withLeadIndex = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const opened = yield* Layer.build(Runtime.knowledgeServices).pipe(Effect.either)
      if (opened._tag === "Right") return yield* Effect.provide(effect, opened.right)
      const reason =
        opened.left instanceof Error && opened.left.message !== "" ? opened.left.message : String(opened.left)
      yield* Effect.sync(() =>
        process.stderr.write(
          `warning: the lead index is not updated (cannot open the vector index: ${reason}); run \`leadforge reindex\` once one is available\n`
        )
      )
      return yield* effect
    })
  )

/** Markdown and HTML by extension; anything else is plain text. */
export const contentTypeOf = (file: string): ContentType => {
  const ext = path.extname(file).toLowerCase()
  if (ext === ".md" || ext === ".markdown") return "markdown"
  if (ext === ".html" || ext === ".htm") return "html"
  return "text"
}

/** The first Markdown heading or HTML <title>, else the file name without extension. */
export const titleOf = (file: string, text: string, contentType: ContentType): string => {
  if (contentType === "markdown") {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(text)
    if (heading !== null) return heading[1]!.slice(0, 500)
  }
  if (contentType === "html") {
    const title = /<title[^>]*>([^<]+)<\/title>/i.exec(text)
    if (title !== null && title[1]!.trim() !== "") return title[1]!.trim().slice(0, 500)
  }
  return path.basename(file, path.extname(file)).slice(0, 500) || file
}

const cannotRead = (file: string) => (error: unknown) =>
  new CommandFailed({
    message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String((error as Error).message)}`
  })

/** The file's text; a file larger than `limit` bytes is DocumentTooLarge before it is read. */
const readText = (file: string, limit: number) =>
  Effect.gen(function* () {
    const { size } = yield* Effect.tryPromise({ try: () => stat(file), catch: cannotRead(file) })
    if (size > limit) return yield* new DocumentTooLarge({ bytes: size, limit })
    return yield* Effect.tryPromise({ try: () => readFile(file, "utf8"), catch: cannotRead(file) })
  })

const describeError = (error: unknown): string => {
  if (typeof error === "object" && error !== null && "_tag" in error && error._tag === "ValidationFailed") {
    const issues = (error as unknown as { issues: ReadonlyArray<{ field: string; message: string }> }).issues
    return issues.map((i) => `${i.field} ${i.message}`).join("; ")
  }
  return error instanceof Error && error.message !== "" ? error.message : String(error)
}

const PER_FILE = new Set(["ValidationFailed", "CommandFailed", "UniqueConflict", "DocumentTooLarge"])

const add = Command.make(
  "add",
  {
    json,
    org,
    lead: Options.text("lead").pipe(
      Options.withSchema(LeadId),
      Options.withDescription("Attach the documents to this lead (its id)"),
      Options.optional
    ),
    sourceUrl: Options.text("source-url").pipe(
      Options.withDescription("Where the document came from (http or https URL)"),
      Options.optional
    ),
    files: Args.text({ name: "file" }).pipe(
      Args.atLeast(1),
      Args.withDescription("Text, Markdown (.md) or HTML (.html) files to add; re-adding unchanged text is a no-op")
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const index = yield* VectorIndex
      const maxDocumentBytes = (yield* Runtime.RuntimeSettings).knowledge.maxDocumentBytes
      // one bulk load for all the files: a large batch may have the index built once at the end
      const failed = yield* index.bulkLoad(
        Effect.gen(function* () {
          let failed = 0
          for (const file of args.files) {
            const result = yield* Effect.gen(function* () {
              const text = yield* readText(file, maxDocumentBytes)
              const contentType = contentTypeOf(file)
              return yield* ingestDocument(
                ctx,
                {
                  title: titleOf(file, text, contentType),
                  text,
                  contentType,
                  ...(Option.isSome(args.sourceUrl) ? { sourceUrl: args.sourceUrl.value } : {}),
                  ...(Option.isSome(args.lead) ? { leadId: args.lead.value } : {})
                },
                { maxDocumentBytes }
              )
            }).pipe(Effect.either)
            if (result._tag === "Left") {
              const error = result.left
              // a bad file is reported and skipped; the index or the database failing stops the command
              if (!PER_FILE.has(error._tag)) return yield* Effect.fail(error)
              failed++
              yield* Effect.sync(() => process.stderr.write(`leadforge: ${file}: ${describeError(error)}\n`))
              continue
            }
            const { document, chunkCount, status } = result.right
            const { text: _text, ...summary } = document
            yield* emit(args.json, { file, status, chunkCount, document: summary }, () =>
              [
                document.id,
                status.padEnd(9),
                `${String(chunkCount).padStart(4)} chunks`,
                document.title,
                `(${file})`
              ].join("  ")
            )
          }
          return failed
        })
      )
      if (failed === args.files.length) {
        return yield* new CommandFailed({ message: `no document added (${failed} failed)` })
      }
      if (failed > 0) {
        return yield* new PartialSuccess({ message: `${failed} of ${args.files.length} files were not added` })
      }
    }).pipe(Effect.provide(Runtime.settingsLayer), withKnowledge)
).pipe(Command.withDescription("Add files to the knowledge base: chunk, embed and index them"))

const list = Command.make("list", { json, org }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const docs = yield* listDocuments(ctx)
    if (!args.json && docs.length === 0) yield* emit(false, null, () => "no documents")
    for (const doc of docs) {
      const { text: _text, ...summary } = doc
      yield* emit(args.json, summary, () =>
        [
          doc.id,
          doc.contentType.padEnd(8),
          doc.updatedAt.toISOString().slice(0, 10),
          doc.title,
          doc.leadId === null ? "" : `(lead ${doc.leadId})`
        ]
          .join("  ")
          .trimEnd()
      )
    }
  }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("List the documents in the knowledge base"))

const rm = Command.make(
  "rm",
  {
    json,
    org,
    id: Args.text({ name: "document-id" }).pipe(
      Args.withSchema(KnowledgeDocId),
      Args.withDescription("The document's id (as printed by `knowledge list`)")
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const { document, chunkCount } = yield* deleteDocument(ctx, args.id).pipe(
        Effect.catchTag("EntityNotFound", () =>
          Effect.fail(new CommandFailed({ message: `no document with id ${args.id}` }))
        )
      )
      yield* emit(
        args.json,
        { id: document.id, title: document.title, chunkCount, removed: true },
        () => `removed ${document.title} (${document.id}, ${chunkCount} chunks)`
      )
    }).pipe(withKnowledge)
).pipe(Command.withDescription("Remove a document, its chunks and its vectors"))

export const knowledgeCommand = Command.make("knowledge", {}, () =>
  Effect.fail(new UsageError({ message: "missing subcommand: add, list, rm (see `leadforge knowledge --help`)" }))
).pipe(
  Command.withDescription("Add, list and remove knowledge-base documents (searched with `leadforge search`)"),
  Command.withSubcommands([add, list, rm])
)
