import { Args, Command, Options } from "@effect/cli"
import { KnowledgeDocId, LeadId, SEARCH_MODES, type SearchHit, searchKnowledge } from "@leadforge/domain"
import { Effect, Option } from "effect"
import { withKnowledge } from "./knowledge.js"
import { contextFor, emit, json, org } from "./shared.js"

const oneLine = (text: string, max = 160) => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`
}

const hitLines = (hit: SearchHit, rank: number) => [
  `${String(rank).padStart(2)}. ${hit.score.toFixed(4)}  [${hit.signals.join("+")}]  ${hit.document.title}  (${hit.document.id} #${hit.chunk.ordinal})`,
  `    ${oneLine(hit.chunk.text)}`
]

export const searchCommand = Command.make(
  "search",
  {
    json,
    org,
    lead: Options.text("lead").pipe(
      Options.withSchema(LeadId),
      Options.withDescription("Only documents attached to this lead"),
      Options.optional
    ),
    document: Options.text("document").pipe(
      Options.withSchema(KnowledgeDocId),
      Options.withDescription("Only chunks of this document"),
      Options.optional
    ),
    k: Options.integer("limit").pipe(
      Options.withAlias("k"),
      Options.withDescription("How many hits to print (1-100); -k N for short"),
      Options.withDefault(10)
    ),
    mode: Options.choice("mode", SEARCH_MODES).pipe(
      Options.withDescription("hybrid: full text and vectors fused by reciprocal rank; vector or text alone"),
      Options.withDefault("hybrid" as const)
    ),
    query: Args.text({ name: "query" }).pipe(Args.withDescription("What to look for, in your own words"))
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const hits = yield* searchKnowledge(ctx, {
        query: args.query,
        k: args.k,
        mode: args.mode,
        ...(Option.isSome(args.lead) ? { leadId: args.lead.value } : {}),
        ...(Option.isSome(args.document) ? { documentId: args.document.value } : {})
      })
      if (!args.json && hits.length === 0) yield* emit(false, null, () => "no matches")
      let rank = 0
      for (const hit of hits) {
        rank++
        yield* emit(
          args.json,
          {
            rank,
            score: hit.score,
            signals: hit.signals,
            vectorScore: hit.vectorScore,
            documentId: hit.document.id,
            title: hit.document.title,
            leadId: hit.document.leadId,
            chunkId: hit.chunk.id,
            ordinal: hit.chunk.ordinal,
            text: hit.chunk.text
          },
          () => hitLines(hit, rank)
        )
      }
    }).pipe(withKnowledge)
).pipe(
  Command.withDescription(
    "Search the knowledge base by meaning and by words (hybrid); --lead and --document narrow it, --json prints NDJSON"
  )
)
