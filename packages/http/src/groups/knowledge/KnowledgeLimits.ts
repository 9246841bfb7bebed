import { Context, Layer } from "effect"

/** What the one who assembles the server decides about documents (KNOWLEDGE_MAX_DOCUMENT_BYTES). */
export class KnowledgeLimits extends Context.Tag("@leadforge/http/KnowledgeLimits")<
  KnowledgeLimits,
  { readonly maxDocumentBytes: number }
>() {}

export const knowledgeLimitsLayer = (maxDocumentBytes: number) => Layer.succeed(KnowledgeLimits, { maxDocumentBytes })

/**
 * The body limit of a document upload: the text may be as large as the document limit, and JSON escapes and the
 * other fields come on top, so the route takes twice that (or the server's body limit, when larger).
 */
export const documentBodyLimit = (bodyLimitBytes: number, maxDocumentBytes: number) =>
  Math.max(bodyLimitBytes, 2 * maxDocumentBytes)
