import { LeadImportWriter, type OrganizationId } from "@leadforge/domain"
import { Effect } from "effect"
import { type PreparedLead, prepareLead } from "./leadRows.js"
import { writeLeadBatch } from "./leadWriter.js"
import type { ImportHandler } from "./runImport.js"

/** Leads, written through the LeadImportWriter port (COPY on PostgreSQL, batched inserts on PGlite). */
export const leadHandler = (organizationId: OrganizationId) =>
  ({
    type: "leads",
    required: [["companyName"]],
    prepare: (row, record, now) => prepareLead(row, record, organizationId, now),
    identity: (prepared) => prepared.identityKey,
    rowOf: (prepared) => prepared.row,
    write: (batch, options) =>
      writeLeadBatch(organizationId, batch, options).pipe(Effect.map((counts) => ({ counts, issues: [] }))),
    analyze: (scope) => Effect.flatMap(LeadImportWriter, (writer) => writer.analyze(scope))
  }) satisfies ImportHandler<PreparedLead, unknown>
