/**
 * Benchmarks import the BUILT packages (dist), as users run them: tsx compiles sources with keepNames,
 * which wraps every inner function in a `__name` call and distorts hot paths by 30% or more.
 */
/**
 * `pnpm bench`: every benchmark in bench/, one after another on this process (single core for the
 * pure rules). Pass names to run a subset: `pnpm bench scoreLead http`.
 */
const suites: Record<string, () => Promise<{ run: () => Promise<void> | void }>> = {
  scoreLead: () => import("./scoreLead.js"),
  research: () => import("./research.js"),
  validateContact: () => import("./validateContact.js"),
  persistence: () => import("./persistence.js"),
  knowledge: () => import("./knowledge.js"),
  http: () => import("./http.js"),
  auth: () => import("./auth.js"),
  health: () => import("./health.js"),
  import: () => import("./import.js"),
  cli: () => import("./cli.js"),
  crawl: () => import("./crawl.js")
}

const wanted = process.argv.slice(2)
for (const [name, load] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  console.log(`\n== ${name} ==`)
  await (await load()).run()
}
