import * as fs from "node:fs"
import * as path from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { vector } from "@electric-sql/pglite/vector"
import { Config, Data, Effect, Layer } from "effect"
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

/** Opens PGlite with pgvector in `dataDir` (locked for this process) and closes it with the scope. */
export const open = (dataDir: string) =>
  Effect.gen(function* () {
    const resolved = path.resolve(dataDir)
    yield* acquireLock(resolved)
    return yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => PGlite.create({ dataDir: resolved, extensions: { vector } }),
        catch: (cause) => new PgliteOpenFailed({ dataDir: resolved, cause })
      }),
      (db) => Effect.promise(() => db.close()).pipe(Effect.orDie)
    )
  }).pipe(Effect.withSpan("PgliteDatabase.open", { attributes: { dataDir } }))

export const layer = (options: { readonly dataDir: string }) => Layer.scoped(PgliteDatabase, open(options.dataDir))

/** `LEADFORGE_DATA_DIR`, default `./.leadforge`. */
export const dataDirConfig = Config.string("LEADFORGE_DATA_DIR").pipe(Config.withDefault("./.leadforge"))

export const layerConfig = Layer.unwrapEffect(Effect.map(dataDirConfig, (dataDir) => layer({ dataDir })))
