import * as SqlClient from "@effect/sql/SqlClient"
import { Config, ConfigError, Effect, Either, Layer, Option, Redacted } from "effect"
import * as AccessTokensJose from "../crypto/AccessTokensJose.js"
import { optionalSecret } from "./Settings.js"

/** The shortest signing key accepted: 32 characters (HS256 wants at least 256 bits). */
export const AUTH_SIGNING_KEY_MIN_LENGTH = 32

const signingKeyConfig = optionalSecret("AUTH_SIGNING_KEY").pipe(
  Config.mapOrFail((key) =>
    Option.isSome(key) && Redacted.value(key.value).length < AUTH_SIGNING_KEY_MIN_LENGTH
      ? Either.left(
          ConfigError.InvalidData(
            ["AUTH_SIGNING_KEY"],
            `expected at least ${AUTH_SIGNING_KEY_MIN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`
          )
        )
      : Either.right(key)
  )
)

/**
 * The key stored in the database on first start when AUTH_SIGNING_KEY is unset: 32 random bytes, written once
 * (ON CONFLICT keeps the first of two servers starting at once), so every server process on the database agrees.
 */
const storedKey = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const fresh = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")
  yield* sql`INSERT INTO leadforge_meta (key, value) VALUES ('auth_signing_key', ${fresh}) ON CONFLICT (key) DO NOTHING`
  const rows = yield* sql<{ readonly value: string }>`SELECT value FROM leadforge_meta WHERE key = 'auth_signing_key'`
  return Redacted.make(rows[0]!.value)
})

/** Access tokens signed with AUTH_SIGNING_KEY, or with a key generated and stored in the database on first start. */
export const accessTokens = Layer.unwrapEffect(
  Effect.gen(function* () {
    const configured = yield* signingKeyConfig
    const key = Option.isSome(configured) ? configured.value : yield* storedKey.pipe(Effect.orDie)
    return AccessTokensJose.layer(AccessTokensJose.keyOf(key))
  })
)
