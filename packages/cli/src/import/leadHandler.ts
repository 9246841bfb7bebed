import * as SqlClient from "@effect/sql/SqlClient"
import { PgPool } from "@leadforge/adapters/postgres"
import type { OrganizationId } from "@leadforge/domain"
import { Effect, Option } from "effect"
import { type PreparedLead, prepareLead } from "./leadRows.js"
import { writeLeadBatch, writeLeadBatchCopy } from "./leadWriter.js"
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
      Effect.flatMap(Effect.serviceOption(PgPool), (pool) =>
        Option.isSome(pool)
          ? writeLeadBatchCopy(pool.value, organizationId, batch, options)
          : writeLeadBatch(organizationId, batch, options)
      ).pipe(Effect.map((counts) => ({ counts, issues: [] }))),
    analyze: Effect.flatMap(SqlClient.SqlClient, (sql) => sql`ANALYZE leads`)
  }) satisfies ImportHandler<PreparedLead, unknown>
