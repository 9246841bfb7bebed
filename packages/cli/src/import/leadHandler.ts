import type { OrganizationId } from "@leadforge/domain"
import { Effect } from "effect"
import { type PreparedLead, prepareLead } from "./leadRows.js"
import { writeLeadBatch } from "./leadWriter.js"
import type { ImportHandler } from "./runImport.js"

export const leadHandler = (organizationId: OrganizationId) =>
  ({
    type: "leads",
    required: [["companyName"]],
    prepare: (row, record, now) => prepareLead(row, record, organizationId, now),
    identity: (prepared) => prepared.identityKey,
    rowOf: (prepared) => prepared.row,
    write: (batch, options) =>
      Effect.map(writeLeadBatch(organizationId, batch, options), (counts) => ({ counts, issues: [] }))
  }) satisfies ImportHandler<PreparedLead, unknown>
