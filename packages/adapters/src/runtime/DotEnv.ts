import * as fs from "node:fs"
import * as path from "node:path"
import { parseEnv } from "node:util"
import { ConfigProvider, Data, Effect, Layer } from "effect"

/**
 * `.env` in the working directory, read once when a command starts. Node's own parser (`util.parseEnv`, the one
 * behind `node --env-file`) reads it: no dependency, and the file means what it means to Node. Its values sit
 * under the real environment in the ConfigProvider instead of being copied into the process's environment, so a variable the
 * environment sets, even to the empty string, wins over the file, and nothing else in the process sees the file.
 */
export const DOT_ENV = ".env"

/** The file's variables; none when there is no file. A file that exists but cannot be read is an error. */
export const readDotEnv = (file: string): Effect.Effect<Readonly<Record<string, string>>, DotEnvUnreadable> =>
  Effect.try({
    try: () => {
      if (!fs.existsSync(file)) return {}
      return parseEnv(fs.readFileSync(file, "utf8")) as Record<string, string>
    },
    catch: (cause) => new DotEnvUnreadable({ file, reason: cause instanceof Error ? cause.message : String(cause) })
  })

export class DotEnvUnreadable extends Data.TaggedError("DotEnvUnreadable")<{
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `cannot read ${this.file}: ${this.reason}`
  }
}

/** The environment first, then `values` (a `.env` file's). */
export const withFallback = (values: Readonly<Record<string, string>>): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromEnv().pipe(ConfigProvider.orElse(() => ConfigProvider.fromMap(new Map(Object.entries(values)))))

/** Sets the ConfigProvider every setting is read through: the environment, then `<directory>/.env`. */
export const dotEnvConfig = (directory: string = process.cwd()) =>
  Layer.unwrapEffect(
    Effect.map(readDotEnv(path.join(directory, DOT_ENV)), (values) => Layer.setConfigProvider(withFallback(values)))
  )
