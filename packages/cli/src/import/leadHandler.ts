import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { PgliteDatabase } from "@leadforge/adapters/pglite"
import { PgCopy, PgPool } from "@leadforge/adapters/postgres"
import type { OrganizationId } from "@leadforge/domain"
import { Effect, Option } from "effect"
import { type PreparedLead, prepareLead } from "./leadRows.js"
import { PGLITE_COPY_NEW, writeLeadBatch, writeLeadBatchCopy } from "./leadWriter.js"
import type { ImportHandler } from "./runImport.js"

/** Leads: on PostgreSQL each batch goes through COPY and a staging table; elsewhere through one INSERT per batch. */
export const leadHandler = (organizationId: OrganizationId) =>
  ({
    type: "leads",
    required: [["companyName"]],
    prepare: (row, record, now) => prepareLead(row, record, organizationId, now),
    identity: (prepared) => prepared.identityKey,
    rowOf: (prepared) => prepared.row,
    write: (batch, options) =>
      Effect.gen(function* () {
        const pool = yield* Effect.serviceOption(PgPool)
        if (Option.isSome(pool)) return yield* writeLeadBatchCopy(pool.value, organizationId, batch, options)
        const pglite = yield* Effect.serviceOption(PgliteDatabase)
        // Inside the batch's transaction, which holds PGlite's one connection: the blob COPY runs in it directly.
        const copyNew = Option.isSome(pglite)
          ? (rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
              Effect.tryPromise({
                // the blob is assembled from pieces of COPY text, never one batch-sized string
                try: () => pglite.value.query(PGLITE_COPY_NEW, [], { blob: new Blob([...PgCopy.copyChunks(rows)]) }),
                catch: (cause) => new SqlError({ cause, message: "COPY of the import's new leads failed" })
              }).pipe(Effect.asVoid)
          : undefined
        return yield* writeLeadBatch(organizationId, batch, options, copyNew)
      }).pipe(Effect.map((counts) => ({ counts, issues: [] }))),
    // the batches look leads up by (organization_id, identity_key); sampling every column took seconds a million rows
    analyze: (scope) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        scope === "lookup" ? sql`ANALYZE leads (organization_id, identity_key)` : sql`ANALYZE leads`
      )
  }) satisfies ImportHandler<PreparedLead, unknown>
