import { PasswordHasher } from "@leadforge/domain"
import * as argon2 from "@node-rs/argon2"
import { Effect, Layer, Redacted } from "effect"

/** Argon2id's cost: memory in KiB, passes, lanes. */
export interface Argon2Parameters {
  readonly memoryKib: number
  readonly iterations: number
  readonly parallelism: number
}

/** The OWASP Password Storage Cheat Sheet's first choice: argon2id with m=19 MiB, t=2, p=1. */
export const OWASP_ARGON2ID: Argon2Parameters = { memoryKib: 19_456, iterations: 2, parallelism: 1 }

/** `Algorithm.Argon2id` of @node-rs/argon2, a const enum that isolated modules cannot read. */
const ARGON2ID = 2 as argon2.Algorithm

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/

/** The parameters a PHC string was made with, or undefined when it is not an argon2id hash. */
export const parametersOf = (hash: string): Argon2Parameters | undefined => {
  const match = PHC.exec(hash)
  return match === null
    ? undefined
    : { memoryKib: Number(match[1]), iterations: Number(match[2]), parallelism: Number(match[3]) }
}

/**
 * Passwords hashed with argon2id by @node-rs/argon2 (libargon2's reference code, on a thread of libuv's pool, so
 * hashing does not block the event loop). The PHC string keeps the salt and the parameters; a hash with others
 * than `parameters` is reported by needsRehash and replaced at the next sign-in.
 */
export const make = (parameters: Argon2Parameters = OWASP_ARGON2ID) =>
  Effect.gen(function* () {
    const options: argon2.Options = {
      algorithm: ARGON2ID,
      memoryCost: parameters.memoryKib,
      timeCost: parameters.iterations,
      parallelism: parameters.parallelism
    }
    const hash = (password: Redacted.Redacted<string>) =>
      Effect.promise(() => argon2.hash(Redacted.value(password), options)).pipe(
        Effect.withSpan("PasswordHasherArgon2.hash")
      )
    /** Verified against when there is no account, so that an unknown email costs one verification too. */
    const standIn = yield* hash(Redacted.make(crypto.randomUUID()))
    const verify = (stored: string | null, password: Redacted.Redacted<string>) =>
      Effect.promise(async () => {
        if (stored === null || parametersOf(stored) === undefined) {
          await argon2.verify(standIn, Redacted.value(password)).catch(() => false)
          return false
        }
        return argon2.verify(stored, Redacted.value(password)).catch(() => false)
      }).pipe(Effect.withSpan("PasswordHasherArgon2.verify"))
    const needsRehash = (stored: string) => {
      const used = parametersOf(stored)
      return (
        used === undefined ||
        used.memoryKib !== parameters.memoryKib ||
        used.iterations !== parameters.iterations ||
        used.parallelism !== parameters.parallelism
      )
    }
    return PasswordHasher.of({ hash, verify, needsRehash })
  })

/** argon2id at `parameters` (the OWASP ones by default). */
export const layer = (parameters: Argon2Parameters = OWASP_ARGON2ID) => Layer.effect(PasswordHasher, make(parameters))

export const PasswordHasherArgon2 = layer()
