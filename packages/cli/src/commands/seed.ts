import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import { recordFirstActivities } from "@leadforge/domain"
import { Effect } from "effect"
import { contactHandler } from "../import/contactHandler.js"
import { leadHandler } from "../import/leadHandler.js"
import { HeaderMapper } from "../import/mapping.js"
import { csvLine } from "../import/report.js"
import { runImport } from "../import/runImport.js"
import { demoData } from "./seedData.js"
import { contextFor, emit, json, org, UsageError } from "./shared.js"

export const seedCommand = Command.make(
  "seed",
  {
    json,
    org,
    demo: Options.boolean("demo").pipe(
      Options.withDescription(
        "Load the demo data set: leads across industries and countries, contacts with good, risky and bad emails, activities"
      )
    ),
    leads: Options.integer("leads").pipe(Options.withDescription("How many demo leads"), Options.withDefault(120))
  },
  (args) =>
    Effect.gen(function* () {
      if (!args.demo) return yield* new UsageError({ message: "say which data to seed: --demo" })
      if (args.leads < 1 || args.leads > 10_000) return yield* new UsageError({ message: "--leads must be 1-10000" })
      const ctx = yield* contextFor(args.org)
      const data = demoData(args.leads)
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-seed-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const leadsFile = path.join(dir, "leads.csv")
      fs.writeFileSync(
        leadsFile,
        `${[
          "company,website,industry,employees,funding,country,city,tags,product_interests,ai_adoption_score",
          ...data.leads.map((l) =>
            csvLine([
              l.company,
              l.website,
              l.industry,
              l.employees,
              l.funding,
              l.country,
              l.city,
              l.tags,
              l.productInterests,
              l.aiAdoptionScore
            ])
          )
        ].join("\n")}\n`
      )
      const contactsFile = path.join(dir, "contacts.csv")
      fs.writeFileSync(
        contactsFile,
        `${[
          "first_name,last_name,email,title,phone,company_domain",
          ...data.contacts.map((c) => csvLine([c.firstName, c.lastName, c.email, c.title, c.phone, c.companyDomain]))
        ].join("\n")}\n`
      )
      const common = {
        format: "csv" as const,
        dryRun: false,
        overwrite: false,
        batchSize: 500,
        errorsPath: undefined,
        json: false,
        quiet: true,
        ctx
      }
      const leads = yield* runImport(leadHandler(ctx.organizationId), {
        ...common,
        path: leadsFile,
        mapper: new HeaderMapper("leads", new Map())
      })
      const contacts = yield* runImport(contactHandler(ctx.organizationId), {
        ...common,
        path: contactsFile,
        mapper: new HeaderMapper("contacts", new Map())
      })
      // activities only on a first seed, so a second run changes nothing
      const now = Date.now()
      const activities = yield* recordFirstActivities(
        ctx,
        data.activities.map((activity) => ({
          domain: activity.domain,
          kind: activity.kind,
          occurredAt: new Date(now - activity.daysAgo * 86_400_000),
          summary: activity.summary
        }))
      )
      const generated = {
        good: data.contacts.filter((c) => c.quality === "good").length,
        risky: data.contacts.filter((c) => c.quality === "risky").length,
        bad: data.contacts.filter((c) => c.quality === "bad").length
      }
      const summary = {
        organizationId: ctx.organizationId,
        leads: {
          inserted: leads.inserted,
          updated: leads.updated,
          unchanged: leads.unchanged,
          rejected: leads.rejected
        },
        contacts: {
          inserted: contacts.inserted,
          updated: contacts.updated,
          unchanged: contacts.unchanged,
          rejected: contacts.rejected,
          generated
        },
        activities
      }
      yield* emit(args.json, summary, () => [
        `demo data in organization ${ctx.organizationId}:`,
        `  leads       ${leads.inserted} inserted, ${leads.unchanged} already present`,
        `  contacts    ${contacts.inserted} inserted, ${contacts.unchanged} already present (generated ${generated.good} good, ${generated.risky} risky, ${generated.bad} bad emails; ${contacts.rejected} rejected: bad emails, or the same address twice)`,
        `  activities  ${activities} recorded`
      ])
    }).pipe(Effect.scoped, Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Load a deterministic demo data set (re-running it changes nothing)"))
