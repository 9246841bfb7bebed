import { Command } from "@effect/cli"
import { Effect } from "effect"
import { auditCommand } from "./commands/audit.js"
import { contactsCommand } from "./commands/contacts.js"
import { exportCommand } from "./commands/export.js"
import { importCommand } from "./commands/import.js"
import { keysCommand } from "./commands/keys.js"
import { knowledgeCommand } from "./commands/knowledge.js"
import { leadsCommand } from "./commands/leads.js"
import { migrateCommand } from "./commands/migrate.js"
import { orgsCommand } from "./commands/orgs.js"
import { reindexCommand } from "./commands/reindex.js"
import { researchCommand } from "./commands/research.js"
import { searchCommand } from "./commands/search.js"
import { seedCommand } from "./commands/seed.js"
import { serveCommand } from "./commands/serve.js"
import { UsageError } from "./commands/shared.js"
import { usersCommand } from "./commands/users.js"
import { workerCommand } from "./commands/worker.js"

const root = Command.make("leadforge", {}, () =>
  Effect.fail(new UsageError({ message: "missing command; run `leadforge --help` to see the commands" }))
).pipe(
  Command.withDescription(
    "Leadforge: validate, de-duplicate, score and enrich leads. Works on the embedded database in LEADFORGE_DATA_DIR (default ./.leadforge), or on PostgreSQL when DATABASE_URL is set. Exit codes: 0 ok, 1 failure, 2 usage error, 3 partial import."
  ),
  Command.withSubcommands([
    serveCommand,
    migrateCommand,
    seedCommand,
    importCommand,
    exportCommand,
    leadsCommand,
    contactsCommand,
    auditCommand,
    keysCommand,
    usersCommand,
    orgsCommand,
    knowledgeCommand,
    searchCommand,
    reindexCommand,
    researchCommand,
    workerCommand
  ])
)

export const run = Command.run(root, { name: "leadforge", version: "0.1.0" })
