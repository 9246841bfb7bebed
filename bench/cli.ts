/**
 * CLI start-up: wall-clock time of `leadforge` commands run as a user runs them (a new Node process each time),
 * the shipped bundle (packages/cli/dist/bundle/leadforge.js, from `pnpm build`) against the same build unbundled
 * (packages/cli/dist/bin.js, tsc's output, loading every module file on its own), alternating, in the same run.
 * Commands: `--version` and `--help` (start-up alone), and `migrate --status` on an embedded database made
 * beforehand (start-up plus opening PGlite). Run: `pnpm bench cli`; CLI_BENCH_RUNS sets the runs per command.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const RUNS = Number(process.env.CLI_BENCH_RUNS ?? 9)
const cli = resolve(import.meta.dirname, "../packages/cli/dist")
const builds = { unbundled: join(cli, "bin.js"), bundle: join(cli, "bundle/leadforge.js") } as const

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** One run: a new process, the command's wall-clock time in ms; a failed command stops the benchmark. */
const time = (bin: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) => {
  const started = performance.now()
  const result = spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8" })
  const elapsed = performance.now() - started
  if (result.status !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${result.status}: ${result.stderr}`)
  return elapsed
}

export const run = () => {
  const dataDir = mkdtempSync(join(tmpdir(), "leadforge-bench-cli-"))
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LEADFORGE_DATA_DIR: dataDir }
  try {
    time(builds.bundle, ["migrate"], env)
    const commands: ReadonlyArray<ReadonlyArray<string>> = [["--version"], ["--help"], ["migrate", "--status"]]
    for (const args of commands) {
      const samples = { unbundled: [] as Array<number>, bundle: [] as Array<number> }
      // one run of each to warm the file cache, then alternating runs, the baseline first on even rounds
      time(builds.unbundled, args, env)
      time(builds.bundle, args, env)
      for (let round = 0; round < RUNS; round++) {
        const order = round % 2 === 0 ? (["unbundled", "bundle"] as const) : (["bundle", "unbundled"] as const)
        for (const build of order) samples[build].push(time(builds[build], args, env))
      }
      const base = median(samples.unbundled)
      const bundled = median(samples.bundle)
      console.log(
        `leadforge ${args.join(" ")}`.padEnd(34) +
          `unbundled ${base.toFixed(0).padStart(5)} ms   bundle ${bundled.toFixed(0).padStart(5)} ms   ` +
          `${(base / bundled).toFixed(2)}× faster (medians of ${RUNS})`
      )
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
