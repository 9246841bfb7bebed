import { Command, Options } from "@effect/cli"
import * as SqlClient from "@effect/sql/SqlClient"
import { migrate, migrations } from "@leadforge/adapters/sql"
import { Effect } from "effect"
import { describeDatabase, withBareClient } from "../Database.js"
import { emit, json } from "./shared.js"

const status = Options.boolean("status").pipe(
  Options.withDescription("Show applied and pending migrations without applying anything")
)

const MIGRATIONS_TABLE = "leadforge_migrations"

const appliedIds = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const exists = yield* sql<{ readonly name: string | null }>`SELECT to_regclass(${MIGRATIONS_TABLE})::text AS name`
  if (exists[0]?.name === null || exists[0]?.name === undefined) return new Map<number, string>()
  const rows = yield* sql<{
    readonly migrationId: number
    readonly createdAt: Date | string
  }>`SELECT migration_id, created_at FROM ${sql(MIGRATIONS_TABLE)} ORDER BY migration_id`
  return new Map(rows.map((row) => [Number(row.migrationId), new Date(row.createdAt).toISOString()]))
})

export const migrateCommand = Command.make("migrate", { status, json }, ({ json, status }) =>
  Effect.gen(function* () {
    const where = yield* describeDatabase
    if (status) {
      const known = yield* migrations
      const applied = yield* appliedIds
      for (const [id, name] of known) {
        const at = applied.get(id)
        yield* emit(
          json,
          { id, name, applied: at !== undefined, appliedAt: at ?? null },
          () => `${String(id).padStart(4, "0")}_${name}  ${at === undefined ? "pending" : `applied ${at}`}`
        )
      }
      const pending = known.filter(([id]) => !applied.has(id)).length
      if (!json) yield* emit(false, null, () => `${where}: ${pending === 0 ? "at head" : `${pending} pending`}`)
      return
    }
    const ran = yield* migrate
    for (const [id, name] of ran) {
      yield* emit(json, { id, name, applied: true }, () => `applied ${String(id).padStart(4, "0")}_${name}`)
    }
    if (!json) yield* emit(false, null, () => `${where}: ${ran.length === 0 ? "already at head" : "migrated to head"}`)
  }).pipe(withBareClient)
).pipe(Command.withDescription("Apply pending database migrations (or list them with --status)"))
