import * as fs from "node:fs"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Persistence, PgliteStore } from "@leadforge/adapters/pglite"
import { Postgres } from "@leadforge/adapters/postgres"
import * as Runtime from "@leadforge/adapters/runtime"
import { ContactRepositorySql, SqlErrors } from "@leadforge/adapters/sql"
import { ContactRepository, LeadRepository, newId } from "@leadforge/domain"
import { ConfigProvider, Effect, Layer, Option, Redacted } from "effect"
import { contact, lead, orgA } from "./contract/fixtures.js"
import { freshDatabaseUrl, resolvePostgres, tempDir } from "./support/databases.js"

const postgres = await resolvePostgres()

describe("embedded PGlite store", () => {
  it.live(
    "data survives closing and reopening the directory, and a second open is refused",
    () =>
      Effect.gen(function* () {
        const dataDir = tempDir()
        const company = lead(orgA)
        const c = contact(orgA, company.id)
        const session = <A, E>(effect: Effect.Effect<A, E, ContactRepository | LeadRepository>) =>
          Effect.provide(effect, Persistence.pglite({ dataDir }))
        try {
          yield* session(
            Effect.gen(function* () {
              // the contact's lead first: contacts refer to their lead (a foreign key)
              yield* (yield* LeadRepository).insert(company)
              yield* (yield* ContactRepository).insert(c)
              // while this one is open, another open of the same directory fails with a clear error
              const locked = yield* Effect.flip(Layer.build(PgliteStore.layer({ dataDir })).pipe(Effect.scoped))
              expect(locked._tag).toBe("DataDirLocked")
              expect(locked.message).toContain(dataDir)
              expect(locked.message).toContain(String(process.pid))
            })
          )
          expect(fs.existsSync(`${dataDir}/leadforge.lock`)).toBe(false)
          const found = yield* session(Effect.flatMap(ContactRepository, (repo) => repo.findById(orgA, c.id)))
          expect(Option.map(found, (x) => x.email)).toEqual(Option.some(c.email))
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true })
        }
      }),
    120_000
  )

  it.live(
    "a lock left by a dead process is taken over",
    () =>
      Effect.gen(function* () {
        const dataDir = tempDir()
        fs.writeFileSync(`${dataDir}/leadforge.lock`, "999999999")
        try {
          yield* Effect.scoped(
            Effect.gen(function* () {
              const db = yield* PgliteStore.open(dataDir)
              expect((yield* Effect.promise(() => db.query<{ n: number }>("SELECT 1 AS n"))).rows[0]?.n).toBe(1)
              expect(fs.readFileSync(`${dataDir}/leadforge.lock`, "utf8")).toBe(String(process.pid))
            })
          )
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true })
        }
      }),
    120_000
  )
})

describe("embedded PGlite settings from the environment", () => {
  /** Opens the embedded database as the runtime does with `env` alone, and reads two settings from it. */
  const settingsWith = (env: Record<string, string>) =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const rows = yield* sql<{ readonly buffers: string; readonly zone: string }>`
        SELECT current_setting('shared_buffers') AS buffers, current_setting('TimeZone') AS zone`
      return rows[0]!
    }).pipe(
      Effect.provide(Runtime.persistence),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )

  it.live(
    "LEADFORGE_PGLITE_SHARED_BUFFERS sets shared_buffers and leaves the other settings as they were",
    () =>
      Effect.gen(function* () {
        const dataDir = tempDir()
        try {
          const plain = yield* settingsWith({ LEADFORGE_DATA_DIR: dataDir })
          expect(plain.buffers).toBe("128MB")
          const tuned = yield* settingsWith({ LEADFORGE_DATA_DIR: dataDir, LEADFORGE_PGLITE_SHARED_BUFFERS: "192MB" })
          expect(tuned).toEqual({ buffers: "192MB", zone: plain.zone })
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true })
        }
      }),
    120_000
  )

  it.live("a value that is not a size is a configuration error naming the variable and the form", () =>
    Effect.gen(function* () {
      const dataDir = tempDir()
      try {
        for (const value of ["lots", "256", "256mb", "0MB", "1.5GB"]) {
          const error = yield* Effect.flip(
            settingsWith({ LEADFORGE_DATA_DIR: dataDir, LEADFORGE_PGLITE_SHARED_BUFFERS: value })
          )
          expect(String(error)).toContain("LEADFORGE_PGLITE_SHARED_BUFFERS")
          expect(String(error)).toContain("kB, MB or GB")
        }
        // nothing was opened: the directory holds no database
        expect(fs.readdirSync(dataDir)).toEqual([])
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    })
  )
})

describe("PostgreSQL failures become Unavailable", () => {
  it.live("a server that does not answer fails fast with Unavailable", () =>
    Effect.gen(function* () {
      const started = Date.now()
      const error = yield* Effect.flip(
        Effect.flatMap(ContactRepository, (repo) => repo.findById(orgA, newId())).pipe(
          Effect.provide(
            ContactRepositorySql.pipe(
              Layer.provide(
                Postgres.layer({
                  url: Redacted.make("postgres://postgres@127.0.0.1:1/none"),
                  connectTimeout: "500 millis"
                })
              )
            )
          )
        )
      )
      expect(error._tag).toBe("Unavailable")
      expect(Date.now() - started).toBeLessThan(5_000)
    })
  )

  it.live.skipIf(postgres.kind === "none")("a statement past the timeout fails with Unavailable", () =>
    Effect.gen(function* () {
      if (postgres.kind === "none") return
      const url = yield* freshDatabaseUrl(postgres)
      const error = yield* Effect.flip(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          return yield* SqlErrors.orUnavailable(sql`SELECT pg_sleep(2)`)
        }).pipe(Effect.provide(Postgres.layer({ url: Redacted.make(url), statementTimeout: "200 millis" })))
      )
      expect(error._tag).toBe("Unavailable")
    }).pipe(Effect.scoped)
  )
})
