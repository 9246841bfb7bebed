import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import type * as Statement from "@effect/sql/Statement"
import type { LeadQuery } from "@leadforge/domain"
import {
  DuplicateLead,
  Lead,
  LeadId,
  LeadNotFound,
  LeadRepository,
  leadIdentity,
  OrganizationId,
  VersionConflict
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { CursorId, CursorTimestamp, clampLimit, decodeCursor, encodeCursor, fromRow, json } from "./rows.js"

const LeadRow = fromRow(Lead)
const ByIdRequest = Schema.Struct({ organizationId: OrganizationId, id: LeadId })
const ScoreCursor = Schema.Struct({ s: Schema.Int, id: CursorId })
const CreatedCursor = Schema.Struct({ c: CursorTimestamp, id: CursorId })

/**
 * The span around each repository method. Effect.fn would also capture a call-site stack trace on every call;
 * these methods are hot, and the span name identifies them.
 */
const traced = (name: string) => Effect.withSpan(name, { captureStackTrace: false })

/** `domain:acme.com` / `name:acme`; a lead the rule cannot identify is only identical to itself. */
export const identityKeyOf = (lead: Lead): string => leadIdentity(lead)?.key ?? `id:${lead.id}`

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  /**
   * The row for `lead`. A Lead is valid by construction, so its fields are written as they are (dates as ISO
   * strings, jsonb columns as JSON text — what Schema.encode(Lead) would give) rather than re-validated.
   */
  const columns = (lead: Lead) => ({
    id: lead.id,
    organizationId: lead.organizationId,
    identityKey: identityKeyOf(lead),
    companyName: lead.companyName,
    domain: lead.domain,
    website: lead.website,
    industry: lead.industry,
    employeeCount: lead.employeeCount,
    fundingStage: lead.fundingStage,
    location: json(lead.location),
    aiAdoptionScore: lead.aiAdoptionScore,
    leadScore: lead.leadScore,
    grade: lead.grade,
    status: lead.status,
    source: lead.source,
    tags: json(lead.tags),
    ownerId: lead.ownerId,
    nextFollowUpAt: lead.nextFollowUpAt === null ? null : lead.nextFollowUpAt.toISOString(),
    productInterests: json(lead.productInterests),
    notes: lead.notes,
    confidence: lead.confidence,
    provenance: json(lead.provenance),
    createdAt: lead.createdAt.toISOString(),
    updatedAt: lead.updatedAt.toISOString(),
    version: lead.version
  })

  const findOne = SqlSchema.findOne({
    Request: ByIdRequest,
    Result: LeadRow,
    execute: ({ id, organizationId }) =>
      sql`SELECT * FROM leads WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  /** The lead already holding `lead`'s identity or domain, other than `lead` itself. */
  const conflicting = (lead: Lead, identityKey: string) =>
    sql<{ readonly id: LeadId }>`
      SELECT id FROM leads
      WHERE organization_id = ${lead.organizationId} AND id <> ${lead.id}
        AND (identity_key = ${identityKey} OR (${lead.domain}::text IS NOT NULL AND domain = ${lead.domain}))
      LIMIT 1`.pipe(
      Effect.map((rows) =>
        rows[0] === undefined
          ? Option.none()
          : Option.some(new DuplicateLead({ existingLeadId: rows[0].id, identity: identityKey }))
      )
    )

  const insert = Effect.fnUntraced(
    function* (lead: Lead) {
      const row = columns(lead)
      const inserted = yield* sql<{ readonly id: string }>`
      INSERT INTO leads ${sql.insert(row)} ON CONFLICT DO NOTHING RETURNING id`
      if (inserted.length === 1) return lead
      const duplicate = yield* conflicting(lead, row.identityKey)
      if (Option.isSome(duplicate)) return yield* duplicate.value
      // the id itself is taken: only possible for a retried insert of the same lead
      return yield* new DuplicateLead({ existingLeadId: lead.id, identity: row.identityKey })
    },
    orUnavailable,
    traced("LeadRepositorySql.insert")
  )

  const update = Effect.fnUntraced(
    function* (lead: Lead) {
      const row = columns(lead)
      const duplicate = yield* conflicting(lead, row.identityKey)
      if (Option.isSome(duplicate)) return yield* duplicate.value
      const { id: _id, organizationId: _org, createdAt: _created, ...changes } = row
      const updated = yield* sql<{ readonly id: string }>`
      UPDATE leads SET ${sql.update(changes)}
      WHERE organization_id = ${lead.organizationId} AND id = ${lead.id} AND version = ${lead.version - 1}
      RETURNING id`
      if (updated.length === 1) return lead
      const current = yield* sql<{ readonly version: number }>`
      SELECT version FROM leads WHERE organization_id = ${lead.organizationId} AND id = ${lead.id}`
      if (current[0] === undefined) return yield* new LeadNotFound({ leadId: lead.id })
      return yield* new VersionConflict({
        entity: "lead",
        id: lead.id,
        expectedVersion: lead.version - 1,
        actualVersion: current[0].version
      })
    },
    orUnavailable,
    traced("LeadRepositorySql.update")
  )

  const findById = (organizationId: OrganizationId, id: LeadId) =>
    findOne({ organizationId, id }).pipe(
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable,
      traced("LeadRepositorySql.findById")
    )

  const findByIdsQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, ids: Schema.Array(LeadId) }),
    Result: LeadRow,
    execute: ({ ids, organizationId }) =>
      sql`SELECT * FROM leads WHERE organization_id = ${organizationId} AND ${sql.in("id", ids)}`
  })

  const findByIds = (organizationId: OrganizationId, ids: ReadonlyArray<LeadId>) =>
    (ids.length === 0 ? Effect.succeed([]) : findByIdsQuery({ organizationId, ids })).pipe(
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable,
      traced("LeadRepositorySql.findByIds")
    )

  const findByIdentityQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, identityKey: Schema.String }),
    Result: LeadRow,
    execute: ({ identityKey, organizationId }) =>
      sql`SELECT * FROM leads WHERE organization_id = ${organizationId} AND identity_key = ${identityKey}`
  })

  const findByIdentity = (organizationId: OrganizationId, identityKey: string) =>
    findByIdentityQuery({ organizationId, identityKey }).pipe(
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable,
      traced("LeadRepositorySql.findByIdentity")
    )

  const decodeRows = Schema.decodeUnknown(Schema.Array(LeadRow))

  const list = Effect.fnUntraced(
    function* (organizationId: OrganizationId, query: LeadQuery) {
      const limit = clampLimit(query.limit)
      const byScore = (query.sort ?? "score") === "score"
      const filters: Array<Statement.Fragment> = [sql`organization_id = ${organizationId}`]
      if (query.status !== undefined && query.status.length > 0) filters.push(sql.in("status", query.status))
      if (query.industry !== undefined) filters.push(sql`lower(industry) = lower(${query.industry})`)
      if (query.country !== undefined) filters.push(sql`country = ${query.country.toUpperCase()}`)
      if (query.fundingStage !== undefined) filters.push(sql`funding_stage = ${query.fundingStage}`)
      if (query.minScore !== undefined) filters.push(sql`lead_score >= ${query.minScore}`)
      if (query.maxScore !== undefined) filters.push(sql`lead_score <= ${query.maxScore}`)
      if (query.tag !== undefined) filters.push(sql`tags @> ${json([query.tag])}::jsonb`)
      if (query.q !== undefined && query.q.trim() !== "") {
        const q = query.q.trim()
        filters.push(
          sql`(search_tsv @@ plainto_tsquery('simple', ${q}) OR company_name ILIKE '%' || ${q} || '%' OR domain ILIKE '%' || ${q} || '%')`
        )
      }
      if (query.createdAfter !== undefined) filters.push(sql`created_at >= ${query.createdAfter.toISOString()}`)
      if (query.createdBefore !== undefined) filters.push(sql`created_at < ${query.createdBefore.toISOString()}`)
      if (byScore) {
        const after = yield* decodeCursor(ScoreCursor, query.cursor)
        if (after !== undefined) {
          filters.push(sql`(lead_score < ${after.s} OR (lead_score = ${after.s} AND id > ${after.id}))`)
        }
      } else {
        const after = yield* decodeCursor(CreatedCursor, query.cursor)
        if (after !== undefined) {
          filters.push(sql`(created_at < ${after.c} OR (created_at = ${after.c} AND id > ${after.id}))`)
        }
      }
      const order = byScore ? sql.literal("lead_score DESC, id") : sql.literal("created_at DESC, id")
      const rows = yield* sql`SELECT * FROM leads WHERE ${sql.and(filters)} ORDER BY ${order} LIMIT ${limit + 1}`
      const leads = yield* decodeRows(rows)
      const items = leads.slice(0, limit)
      const last = items.at(-1)
      const nextCursor =
        leads.length > limit && last !== undefined
          ? encodeCursor(
              byScore ? { s: last.leadScore, id: last.id } : { c: last.createdAt.toISOString(), id: last.id }
            )
          : null
      return { items, nextCursor }
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable,
    traced("LeadRepositorySql.list")
  )

  const remove = Effect.fnUntraced(
    function* (organizationId: OrganizationId, id: LeadId) {
      const rows = yield* sql`DELETE FROM leads WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
      if (rows.length === 0) return yield* new LeadNotFound({ leadId: id })
    },
    orUnavailable,
    traced("LeadRepositorySql.delete")
  )

  return LeadRepository.of({ insert, update, findById, findByIds, findByIdentity, list, delete: remove })
})

export const LeadRepositorySql = Layer.effect(LeadRepository, make)
