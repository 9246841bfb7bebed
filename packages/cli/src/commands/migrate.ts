import { Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import { Effect } from "effect"
import { emit, json } from "./shared.js"

const status = Options.boolean("status").pipe(
  Options.withDescription("Show applied and pending migrations without applying anything")
)

export const migrateCommand = Command.make("migrate", { status, json }, ({ json, status }) =>
  Effect.gen(function* () {
    const where = yield* Runtime.databaseDescription
    if (status) {
      const known = yield* Runtime.migrationStatus
      for (const { appliedAt, id, name } of known) {
        yield* emit(
          json,
          { id, name, applied: appliedAt !== null, appliedAt },
          () => `${String(id).padStart(4, "0")}_${name}  ${appliedAt === null ? "pending" : `applied ${appliedAt}`}`
        )
      }
      const pending = known.filter((migration) => migration.appliedAt === null).length
      if (!json) yield* emit(false, null, () => `${where}: ${pending === 0 ? "at head" : `${pending} pending`}`)
      return
    }
    const ran = yield* Runtime.migrateToHead
    for (const { id, name, report } of ran) {
      yield* emit(
        json,
        { id, name, applied: true, report },
        () => `applied ${String(id).padStart(4, "0")}_${name}${report === null ? "" : `: ${report}`}`
      )
    }
    if (!json) yield* emit(false, null, () => `${where}: ${ran.length === 0 ? "already at head" : "migrated to head"}`)
  })
).pipe(Command.withDescription("Apply pending database migrations (or list them with --status)"))
