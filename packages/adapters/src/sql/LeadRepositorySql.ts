import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import type * as Statement from "@effect/sql/Statement"
import type { ContactId, Lead, LeadQuery, LeadRemoval } from "@leadforge/domain"
import { DuplicateLead, LeadId, LeadNotFound, LeadRepository, OrganizationId, VersionConflict } from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { LEAD_COLUMNS, LEAD_SELECT_LIST, LeadFromRow, leadParams } from "./leadRow.js"
import { CursorId, CursorTimestamp, clampLimit, decodeCursor, json, keysetPage } from "./rows.js"

export { identityKeyOf } from "./leadRow.js"

/** Constant statement texts (built once from LEAD_COLUMNS; every value goes in as a parameter). */
const INSERT_LEAD =
  `INSERT INTO leads (${LEAD_SELECT_LIST}) VALUES (${LEAD_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) ` +
  "ON CONFLICT DO NOTHING RETURNING id"

const ScoreCursor = Schema.Struct({ s: Schema.Int, id: CursorId })
const CreatedCursor = Schema.Struct({ c: CursorTimestamp, id: CursorId })

/**
 * A statement without @effect/sql's own `sql.execute` span: each method's Effect.fn span is the one span per call
 * (it names the operation; the statement text is fixed). Rows are read as the driver returns them (snake_case),
 * which is what the tested row codec (leadRow.ts) maps.
 */
const quiet = <A, E, R>(statement: Effect.Effect<A, E, R>) => Effect.withTracerEnabled(statement, false)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const select = sql.literal(LEAD_SELECT_LIST)

  const findByIdQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, id: LeadId }),
    Result: LeadFromRow,
    execute: ({ id, organizationId }) =>
      quiet(sql`SELECT ${select} FROM leads WHERE organization_id = ${organizationId} AND id = ${id}`.withoutTransform)
  })

  const findByIdsQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, ids: Schema.Array(LeadId) }),
    Result: LeadFromRow,
    execute: ({ ids, organizationId }) =>
      quiet(
        sql`SELECT ${select} FROM leads WHERE organization_id = ${organizationId} AND ${sql.in("id", ids)}`
          .withoutTransform
      )
  })

  const findByIdentityQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, identityKey: Schema.String }),
    Result: LeadFromRow,
    execute: ({ identityKey, organizationId }) =>
      quiet(
        sql`SELECT ${select} FROM leads WHERE organization_id = ${organizationId} AND identity_key = ${identityKey}`
          .withoutTransform
      )
  })

  /** The lead already holding `lead`'s identity or domain, other than `lead` itself. */
  const conflicting = (lead: Lead, identityKey: string) =>
    quiet(sql<{ readonly id: LeadId }>`
      SELECT id FROM leads
      WHERE organization_id = ${lead.organizationId} AND id <> ${lead.id}
        AND (identity_key = ${identityKey} OR (${lead.domain}::text IS NOT NULL AND domain = ${lead.domain}))
      LIMIT 1`).pipe(
      Effect.map((rows) =>
        rows[0] === undefined
          ? Option.none()
          : Option.some(new DuplicateLead({ existingLeadId: rows[0].id, identity: identityKey }))
      )
    )

  const insert = Effect.fn("LeadRepositorySql.insert")(function* (lead: Lead) {
    const params = leadParams(lead)
    const inserted = yield* quiet(sql.unsafe<{ readonly id: string }>(INSERT_LEAD, params).withoutTransform)
    if (inserted.length === 1) return lead
    // a conflict (rare) is explained by a second statement, inside the same span
    const identityKey = params[2] as string
    const duplicate = yield* conflicting(lead, identityKey)
    if (Option.isSome(duplicate)) return yield* duplicate.value
    // the id itself is taken: only possible for a retried insert of the same lead
    return yield* new DuplicateLead({ existingLeadId: lead.id, identity: identityKey })
  }, orUnavailable)

  const update = Effect.fn("LeadRepositorySql.update")(function* (lead: Lead) {
    const params = leadParams(lead)
    const duplicate = yield* conflicting(lead, params[2] as string)
    if (Option.isSome(duplicate)) return yield* duplicate.value
    const changes: Record<string, unknown> = {}
    LEAD_COLUMNS.forEach((column, i) => {
      if (column !== "id" && column !== "organization_id" && column !== "created_at") changes[column] = params[i]
    })
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
  }, orUnavailable)

  const findById = Effect.fn("LeadRepositorySql.findById")(
    (organizationId: OrganizationId, id: LeadId) => findByIdQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findByIds = Effect.fn("LeadRepositorySql.findByIds")(
    (organizationId: OrganizationId, ids: ReadonlyArray<LeadId>) =>
      ids.length === 0 ? Effect.succeed([]) : findByIdsQuery({ organizationId, ids }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findByIdentity = Effect.fn("LeadRepositorySql.findByIdentity")(
    (organizationId: OrganizationId, identityKey: string) => findByIdentityQuery({ organizationId, identityKey }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const list = Effect.fn("LeadRepositorySql.list")(function* (organizationId: OrganizationId, query: LeadQuery) {
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
    const rows = yield* quiet(
      sql`SELECT ${select} FROM leads WHERE ${sql.and(filters)} ORDER BY ${order} LIMIT ${limit + 1}`.withoutTransform
    )
    const page = yield* Schema.decodeUnknown(Schema.Array(LeadFromRow))(rows).pipe(Effect.orDie)
    return keysetPage(page, limit, (last) =>
      byScore ? { s: last.leadScore, id: last.id } : { c: last.createdAt.toISOString(), id: last.id }
    )
  }, orUnavailable)

  /**
   * The lead and what belongs to it, one statement per table so each count is exact; the foreign keys of
   * 0005_foreign_keys would cascade the same way, and keep a delete that bypasses this method from orphaning rows.
   */
  const remove = Effect.fn("LeadRepositorySql.delete")(function* (organizationId: OrganizationId, id: LeadId) {
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const owned = sql`organization_id = ${organizationId} AND lead_id = ${id}`
        const count = (rows: ReadonlyArray<unknown>) => rows.length
        const activities = yield* sql`DELETE FROM activities WHERE ${owned} RETURNING id`
        const conversations = yield* sql`DELETE FROM conversations WHERE ${owned} RETURNING id`
        const dataSources = yield* sql`DELETE FROM data_sources WHERE ${owned} RETURNING id`
        const researchTasks = yield* sql`UPDATE research_tasks SET lead_id = NULL WHERE ${owned} RETURNING id`
        const unlinked = yield* sql`UPDATE knowledge_docs SET lead_id = NULL WHERE ${owned} RETURNING id`
        const contacts = yield* sql<{ readonly id: ContactId; readonly email: string | null }>`
          DELETE FROM contacts WHERE ${owned} RETURNING id, email`
        const rows = yield* sql`DELETE FROM leads WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
        if (rows.length === 0) return yield* new LeadNotFound({ leadId: id })
        return {
          contacts: contacts.map((c) => ({ id: c.id, email: c.email })),
          activities: count(activities),
          conversations: count(conversations),
          dataSources: count(dataSources),
          researchTasksUnlinked: count(researchTasks),
          knowledgeDocsUnlinked: count(unlinked)
        } satisfies LeadRemoval
      })
    )
  }, orUnavailable)

  return LeadRepository.of({ insert, update, findById, findByIds, findByIdentity, list, delete: remove })
})

export const LeadRepositorySql = Layer.effect(LeadRepository, make)
