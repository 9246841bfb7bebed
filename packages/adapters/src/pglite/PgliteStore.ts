import * as fs from "node:fs"
import * as path from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { vector } from "@electric-sql/pglite/vector"
import { Config, Data, Effect, Layer, Option } from "effect"
import { PgliteDatabase } from "./PgliteClient.js"

/** Another live process (or another open instance in this one) holds the data directory. */
export class DataDirLocked extends Data.TaggedError("DataDirLocked")<{
  readonly dataDir: string
  readonly pid: number
}> {
  override get message() {
    return `the Leadforge data directory ${this.dataDir} is in use by process ${this.pid}; stop it or set LEADFORGE_DATA_DIR to another directory`
  }
}

export class PgliteOpenFailed extends Data.TaggedError("PgliteOpenFailed")<{
  readonly dataDir: string
  readonly cause: unknown
}> {
  override get message() {
    return `could not open the embedded database in ${this.dataDir}: ${String(this.cause)}`
  }
}

const LOCK_FILE = "leadforge.lock"

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Takes the directory's lock file (our pid inside); a lock left by a dead process is taken over. */
const acquireLock = (dataDir: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        fs.mkdirSync(dataDir, { recursive: true })
        const file = path.join(dataDir, LOCK_FILE)
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            fs.writeFileSync(file, String(process.pid), { flag: "wx" })
            return file
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
            const pid = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10)
            if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new DataDirLocked({ dataDir, pid })
            fs.rmSync(file, { force: true })
          }
        }
        throw new Error(`could not create ${file}`)
      },
      catch: (error) => (error instanceof DataDirLocked ? error : new PgliteOpenFailed({ dataDir, cause: error }))
    }),
    (file) => Effect.sync(() => fs.rmSync(file, { force: true }))
  )

/** Settings of the embedded server beyond its defaults. */
export interface Settings {
  /**
   * PostgreSQL's `shared_buffers` (e.g. `256MB`). PGlite's default, 128MB, is smaller than a pgvector HNSW index of
   * ≈ 100k chunks, and a search that misses the buffers is ≈ 2.5× slower (BENCHMARKS.md); the memory is taken
   * at start whether it is used or not.
   */
  readonly sharedBuffers?: string | undefined
}

/** Opens PGlite with pgvector in `dataDir` (locked for this process) and closes it with the scope. */
export const open = (dataDir: string, settings: Settings = {}) =>
  Effect.gen(function* () {
    const resolved = path.resolve(dataDir)
    yield* acquireLock(resolved)
    // start parameters, not `postgresqlconf`: that one replaces the whole postgresql.conf (time zone, date style…)
    const startParams =
      settings.sharedBuffers === undefined
        ? {}
        : { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${settings.sharedBuffers}`] }
    return yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => PGlite.create({ dataDir: resolved, extensions: { vector }, ...startParams }),
        catch: (cause) => new PgliteOpenFailed({ dataDir: resolved, cause })
      }),
      (db) => Effect.promise(() => db.close()).pipe(Effect.orDie)
    )
  }).pipe(Effect.withSpan("PgliteDatabase.open", { attributes: { dataDir } }))

export interface Options extends Settings {
  readonly dataDir: string
}

export const layer = (options: Options) => Layer.scoped(PgliteDatabase, open(options.dataDir, options))

/** `LEADFORGE_DATA_DIR`, default `./.leadforge` (also when empty). */
export const dataDirConfig = Config.string("LEADFORGE_DATA_DIR").pipe(
  Config.withDefault(""),
  Config.map((dir) => (dir.trim() === "" ? "./.leadforge" : dir))
)

/** `LEADFORGE_PGLITE_SHARED_BUFFERS`: a size with its unit (`256MB`, `1GB`); unset (or empty) keeps PGlite's 128MB. */
export const sharedBuffersConfig = Config.string("LEADFORGE_PGLITE_SHARED_BUFFERS").pipe(
  Config.validate({
    message: "must be a whole size with a unit: kB, MB or GB (e.g. 256MB)",
    validation: (value) => value.trim() === "" || /^[1-9][0-9]*(kB|MB|GB)$/.test(value)
  }),
  Config.option,
  Config.map((value) => Option.getOrUndefined(Option.filter(value, (v) => v.trim() !== "")))
)

/** The embedded database's options from the environment. */
export const optionsConfig: Config.Config<Options> = Config.all({
  dataDir: dataDirConfig,
  sharedBuffers: sharedBuffersConfig
})

export const layerConfig = Layer.unwrapEffect(Effect.map(optionsConfig, layer))
