import { describe, it } from "@effect/vitest"
import * as Memory from "@leadforge/adapters/memory"
import { importWritersContract } from "./contract/importWriters.contract.js"
import { pglitePersistence, postgresPersistence, resolvePostgres } from "./support/databases.js"

const postgres = await resolvePostgres()

describe("import writers contract", () => {
  it.layer(Memory.layer)("memory", importWritersContract)
  it.layer(pglitePersistence(), { timeout: 60_000 })("PGlite", importWritersContract)
  if (postgres.kind !== "none") {
    it.layer(postgresPersistence(postgres), { timeout: 60_000 })("PostgreSQL", importWritersContract)
  }
})
