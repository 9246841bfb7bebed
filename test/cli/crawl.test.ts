import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { acmeAbout, acmeHome } from "../web/pages.js"
import { html, startSite, type TestSite } from "../web/site.js"
import { buildCli, expectFailure, ndjson, runCli, tempDir } from "./support.js"

const SLOW = 300_000

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-cli-crawl-")
let site: TestSite
beforeAll(async () => {
  site = await startSite({ "/": html(acmeHome), "/about": html(acmeAbout) })
})
afterAll(async () => {
  await site?.close()
  fs.rmSync(work, { recursive: true, force: true })
})

describe("leadforge leads crawl", () => {
  it(
    "reads a lead's site (reached through WEB_FETCH_ALLOW) and prints every page; a lead without a site fails",
    async () => {
      const env = {
        LEADFORGE_DATA_DIR: path.join(work, "data"),
        // the lead's site is acme.test, connected to the test site without any name lookup
        WEB_FETCH_ALLOW: `acme.test:${site.port}=127.0.0.1`,
        WEB_CRAWL_DELAY: "1 millis"
      }
      const csv = `company_name,website\nAcme,http://acme.test:${site.port}/\nNo Site,\n`
      const imported = await runCli(["import", "-", "--type", "leads"], env, { input: csv })
      expect(imported.code, imported.stderr).toBe(0)
      const leads = ndjson((await runCli(["leads", "list", "--json"], env)).stdout) as Array<{
        id: string
        companyName: string
      }>
      const acme = leads.find((l) => l.companyName === "Acme")?.id ?? ""
      const noSite = leads.find((l) => l.companyName === "No Site")?.id ?? ""

      const crawled = await runCli(["leads", "crawl", acme], env)
      expect(crawled.code, crawled.stderr).toBe(0)
      expect(crawled.stdout).toContain("WEB_FETCH_ALLOW is set")
      expect(crawled.stdout).toContain(`stored       http://acme.test:${site.port}/`)
      expect(crawled.stdout).toContain(`stored       http://acme.test:${site.port}/about`)
      expect(crawled.stdout).toContain(`failed       http://acme.test:${site.port}/team  http_error (404)`)

      // the WEB_FETCH_ALLOW warning is a log line on standard output; the JSON lines are the rest
      const output = (await runCli(["leads", "crawl", acme, "--json"], env)).stdout
      const again = ndjson(
        output
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .join("\n")
      )
      expect(((again[0]?.pages ?? []) as Array<{ outcome: string }>).map((p) => p.outcome)).toEqual([
        "fresh",
        "fresh",
        "failed",
        "failed"
      ])
      expectFailure(await runCli(["leads", "crawl", noSite, acme], env), /no website or domain/)
    },
    SLOW
  )
})
