import { describe, it, type Vitest } from "@effect/vitest"
import * as Memory from "@leadforge/adapters/memory"
import type { AccountPorts } from "./contract/accounts.contract.js"
import { accountsContract } from "./contract/accounts.contract.js"
import { type CatalogPorts, catalogContract } from "./contract/catalog.contract.js"
import { type ContactDirectoryPorts, contactDirectoryContract } from "./contract/contactDirectory.contract.js"
import { type CursorPorts, cursorsContract } from "./contract/cursors.contract.js"
import { type ExportPorts, exportContract } from "./contract/export.contract.js"
import { type LeadRemovalPorts, leadRemovalContract } from "./contract/leadRemoval.contract.js"
import { type Ports, persistenceContract } from "./contract/persistence.contract.js"
import { type SourcePorts, sourcesContract } from "./contract/sources.contract.js"
import { type TaskPorts, tasksContract } from "./contract/tasks.contract.js"
import { pglitePersistence, postgresPersistence, resolvePostgres } from "./support/databases.js"

const postgres = await resolvePostgres()

const contract = (
  it: Vitest.MethodsNonLive<
    | Ports
    | AccountPorts
    | SourcePorts
    | CatalogPorts
    | TaskPorts
    | CursorPorts
    | ExportPorts
    | LeadRemovalPorts
    | ContactDirectoryPorts
  >
) => {
  persistenceContract(it)
  accountsContract(it)
  sourcesContract(it)
  catalogContract(it)
  tasksContract(it)
  cursorsContract(it)
  exportContract(it)
  leadRemovalContract(it)
  contactDirectoryContract(it)
}

describe("persistence contract", () => {
  it.layer(Memory.layer)("memory", contract)
  it.layer(pglitePersistence(), { timeout: 60_000 })("PGlite", contract)
  if (postgres.kind !== "none") {
    it.layer(postgresPersistence(postgres), { timeout: 60_000 })("PostgreSQL", contract)
  }
})
