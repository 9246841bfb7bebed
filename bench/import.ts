/**
 * Bulk import: `leadforge import` of a generated leads CSV on PostgreSQL (DATABASE_URL; a fresh database per run)
 * against the physical floor measured in the same run — `psql \copy` of the same rows, already in the table's
 * format, into the same (migrated, indexed) `leads` table of another fresh database. Prints rows/s for both, the
 * ratio, and the import's peak RSS (VmHWM of the child process). The import runs the built CLI as users do, so its
 * time includes process start-up (a few seconds), validation, scoring, dedupe lookups and the audit event.
 *
 * IMPORT_BENCH_ROWS sets the size (default 1,000,000); IMPORT_BENCH_PGLITE_ROWS (default 20,000, 0 to skip) also
 * times the embedded database.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { LEAD_COLUMNS as COLUMNS } from "../packages/adapters/dist/sql/leadRow.js"

const TARGET = 0.6
const RSS_LIMIT_MB = 400
const bin = path.resolve(import.meta.dirname, "../packages/cli/dist/bundle/leadforge.js")

const INDUSTRIES = ["software", "fintech", "biotech", "manufacturing", "retail", "logistics", "healthcare", "media"]
const COUNTRIES = ["DE", "US", "GB", "FR", "NL", "SE", "ES", "IT"]
const FUNDING = ["seed", "series_a", "series_b", "public", ""]

/** Row i of the generated data set: what the CSV says, and the same company as a `leads` row. */
const company = (i: number) => ({
  name: `Company ${i} GmbH`,
  domain: `company-${i}.com`,
  industry: INDUSTRIES[i % INDUSTRIES.length]!,
  employees: 10 + ((i * 7) % 5000),
  funding: FUNDING[i % FUNDING.length]!,
  country: COUNTRIES[i % COUNTRIES.length]!,
  city: `City ${i % 50}`
})

const writeLines = async (file: string, header: string | null, rows: number, line: (i: number) => string) => {
  const out = fs.createWriteStream(file)
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", () => resolve()))
  if (header !== null) await write(`${header}\n`)
  let chunk = ""
  for (let i = 0; i < rows; i++) {
    chunk += `${line(i)}\n`
    if (chunk.length > 1 << 20) {
      await write(chunk)
      chunk = ""
    }
  }
  await write(chunk)
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
}

/** Runs `command`, returning its wall time and peak RSS (polled from /proc on Linux; null elsewhere). */
const timed = (command: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  new Promise<{ seconds: number; peakMb: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    let peakKb: number | null = null
    const poll = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8")
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status)
        if (hwm) peakKb = Math.max(peakKb ?? 0, Number(hwm[1]))
      } catch {
        // not Linux, or the process has ended
      }
    }, 50)
    child.on("error", reject)
    child.on("close", (code) => {
      clearInterval(poll)
      const seconds = (performance.now() - started) / 1_000
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr.slice(-2000)}`))
      else resolve({ seconds, peakMb: peakKb === null ? null : peakKb / 1024, stdout, stderr })
    })
  })

/** Runs one statement with psql (no driver needed at the root; psql is what the floor is measured with). */
const psql = (url: string, statement: string, env: NodeJS.ProcessEnv) =>
  timed("psql", [url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", statement], env)

const freshDatabase = async (url: string, name: string, env: NodeJS.ProcessEnv) => {
  await psql(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, env)
  await psql(url, `CREATE DATABASE ${name}`, env)
  const target = new URL(url)
  target.pathname = `/${name}`
  return target.toString()
}

const rate = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString("en-US")} rows/s`

export const run = async () => {
  const url = process.env.DATABASE_URL
  if (!url) {
    console.log("SKIPPED: the import benchmark needs DATABASE_URL (a PostgreSQL server it may create databases on)")
    return
  }
  const rows = Number(process.env.IMPORT_BENCH_ROWS ?? 1_000_000)
  const pgliteRows = Number(process.env.IMPORT_BENCH_PGLITE_ROWS ?? 20_000)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-import-bench-"))
  const csv = path.join(dir, "leads.csv")
  const tableRows = path.join(dir, "leads.copy")
  const { DATABASE_URL: _url, LEADFORGE_DATA_DIR: _dir, ...baseEnv } = process.env
  try {
    console.log(`generating ${rows.toLocaleString("en-US")} rows…`)
    await writeLines(csv, "company_name,website,industry,employee_count,funding_stage,country,city,tags", rows, (i) => {
      const c = company(i)
      return `${c.name},https://www.${c.domain}/about,${c.industry},${c.employees},${c.funding},${c.country},${c.city},ai;b2b`
    })

    // The floor: the same rows in the table's own format (the same values and provenance the import stores; only the
    // score is a constant), loaded with psql's \copy into a migrated database.
    const floorUrl = await freshDatabase(url, "leadforge_bench_copy", baseEnv)
    await timed(process.execPath, [bin, "migrate"], { ...baseEnv, DATABASE_URL: floorUrl })
    const organizationId = crypto.randomUUID()
    await psql(
      floorUrl,
      `INSERT INTO organizations (id, name, created_at) VALUES ('${organizationId}', 'Bench', now())`,
      baseEnv
    )
    const now = new Date().toISOString()
    await writeLines(tableRows, null, rows, (i) => {
      const c = company(i)
      // the provenance the import records: one entry for every field the CSV row gives a value for
      const entry = { origin: "import", confidence: 80, observedAt: now }
      const fields = ["companyName", "website", "domain", "industry", "employeeCount", "location", "tags"]
      if (c.funding !== "") fields.push("fundingStage")
      const provenance = JSON.stringify(Object.fromEntries(fields.map((field) => [field, entry])))
      const row: Record<(typeof COLUMNS)[number], string | number> = {
        id: crypto.randomUUID(),
        organization_id: organizationId,
        identity_key: `domain:${c.domain}`,
        company_name: c.name,
        domain: c.domain,
        website: `https://www.${c.domain}/about`,
        industry: c.industry,
        employee_count: c.employees,
        funding_stage: c.funding === "" ? "\\N" : c.funding,
        location: JSON.stringify({ city: c.city, country: c.country }),
        ai_adoption_score: "\\N",
        lead_score: 30,
        grade: "C",
        status: "new",
        source: "import",
        tags: '["ai","b2b"]',
        owner_id: "\\N",
        next_follow_up_at: "\\N",
        product_interests: "[]",
        notes: "\\N",
        confidence: 80,
        provenance,
        created_at: now,
        updated_at: now,
        version: 1
      }
      return COLUMNS.map((column) => row[column]).join("\t")
    })
    const columns = COLUMNS.join(", ")
    const floor = await timed(
      "psql",
      [floorUrl, "-v", "ON_ERROR_STOP=1", "-c", `\\copy leads (${columns}) FROM '${tableRows}'`],
      baseEnv
    )

    // Leadforge: the CSV through the CLI, every row parsed, validated, normalized, scored and merged by identity.
    const importUrl = await freshDatabase(url, "leadforge_bench_import", baseEnv)
    await timed(process.execPath, [bin, "migrate"], { ...baseEnv, DATABASE_URL: importUrl })
    const imported = await timed(process.execPath, [bin, "import", csv, "--type", "leads", "--json"], {
      ...baseEnv,
      DATABASE_URL: importUrl
    })
    const summary = JSON.parse(imported.stdout.trim().split("\n").at(-1)!)
    if (summary.inserted !== rows) throw new Error(`expected ${rows} inserted, got ${JSON.stringify(summary)}`)

    const ratio = floor.seconds / imported.seconds
    console.log(`rows                                         ${rows.toLocaleString("en-US")}`)
    console.log(
      `psql \\copy into leads (floor)               ${rate(rows, floor.seconds)}  (${floor.seconds.toFixed(1)} s)`
    )
    console.log(
      `leadforge import (PostgreSQL, COPY path)     ${rate(rows, imported.seconds)}  (${imported.seconds.toFixed(1)} s wall, ${summary.seconds.toFixed(1)} s in the import itself)`
    )
    console.log(
      `ratio                                        ${ratio.toFixed(2)}×  ${ratio >= TARGET ? "(meets target)" : `(BELOW target ${TARGET}×)`}`
    )
    console.log(
      `peak RSS of the import                       ${imported.peakMb === null ? "n/a" : `${imported.peakMb.toFixed(0)} MB`}  ${imported.peakMb !== null && imported.peakMb < RSS_LIMIT_MB ? "(under 400 MB)" : "(OVER 400 MB)"}`
    )

    if (pgliteRows > 0) {
      const small = path.join(dir, "leads-small.csv")
      fs.writeFileSync(
        small,
        fs
          .readFileSync(csv, "utf8")
          .split("\n")
          .slice(0, pgliteRows + 1)
          .join("\n")
      )
      const dataDir = path.join(dir, "pglite")
      await timed(process.execPath, [bin, "migrate"], { ...baseEnv, LEADFORGE_DATA_DIR: dataDir })
      const embedded = await timed(process.execPath, [bin, "import", small, "--type", "leads", "--json"], {
        ...baseEnv,
        LEADFORGE_DATA_DIR: dataDir
      })
      const s = JSON.parse(embedded.stdout.trim().split("\n").at(-1)!)
      console.log(
        `leadforge import (PGlite, ${pgliteRows.toLocaleString("en-US")} rows)          ${rate(pgliteRows, embedded.seconds)}  (${s.seconds.toFixed(1)} s in the import), peak RSS ${embedded.peakMb?.toFixed(0) ?? "n/a"} MB`
      )
    }
  } finally {
    for (const name of ["leadforge_bench_copy", "leadforge_bench_import"]) {
      await psql(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, baseEnv).catch(() => undefined)
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
