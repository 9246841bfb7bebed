import { IndexMismatch } from "@leadforge/domain"
import { Effect } from "effect"

/**
 * The check every vector index makes before a write or a search: a vector of another width than the index was
 * built for fails with IndexMismatch naming `index` (the table, collection or spec name the operator sees).
 */
export const checkDimension =
  (index: string, dimension: number) =>
  (length: number): Effect.Effect<void, IndexMismatch> =>
    length === dimension
      ? Effect.void
      : Effect.fail(new IndexMismatch({ index, expected: `dimension ${dimension}`, actual: `dimension ${length}` }))
