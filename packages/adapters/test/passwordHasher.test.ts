import { describe, expect, it } from "@effect/vitest"
import { layer, OWASP_ARGON2ID, parametersOf } from "@leadforge/adapters/crypto"
import { PasswordHasher } from "@leadforge/domain"
import { Effect, Redacted } from "effect"

const secret = (s: string) => Redacted.make(s)

describe("PasswordHasherArgon2", () => {
  it.layer(layer())((it) => {
    it.effect("hashes with argon2id at the OWASP parameters, stored in the PHC string with a fresh salt", () =>
      Effect.gen(function* () {
        const hasher = yield* PasswordHasher
        const a = yield* hasher.hash(secret("correct horse battery staple"))
        const b = yield* hasher.hash(secret("correct horse battery staple"))
        expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
        expect(parametersOf(a)).toEqual(OWASP_ARGON2ID)
        expect(a).not.toBe(b)
        expect(a).not.toContain("correct")
        expect(yield* hasher.verify(a, secret("correct horse battery staple"))).toBe(true)
        expect(yield* hasher.verify(b, secret("correct horse battery staple"))).toBe(true)
        expect(yield* hasher.verify(a, secret("correct horse battery stapl"))).toBe(false)
        expect(hasher.needsRehash(a)).toBe(false)
      })
    )

    it.effect("does not truncate: passwords that differ only after 72 or 1000 bytes are different", () =>
      Effect.gen(function* () {
        const hasher = yield* PasswordHasher
        for (const length of [72, 1000]) {
          const prefix = "é".repeat(length)
          const hash = yield* hasher.hash(secret(`${prefix}A`))
          expect(yield* hasher.verify(hash, secret(`${prefix}A`))).toBe(true)
          expect(yield* hasher.verify(hash, secret(`${prefix}B`))).toBe(false)
          expect(yield* hasher.verify(hash, secret(prefix))).toBe(false)
        }
      })
    )

    it.effect("any Unicode: an emoji password verifies, a look-alike does not", () =>
      Effect.gen(function* () {
        const hasher = yield* PasswordHasher
        const hash = yield* hasher.hash(secret("🦊🐢🦉🐙🦀🐝🦋🐞🦎🐍🦂🦑"))
        expect(yield* hasher.verify(hash, secret("🦊🐢🦉🐙🦀🐝🦋🐞🦎🐍🦂🦑"))).toBe(true)
        expect(yield* hasher.verify(hash, secret("🦊🐢🦉🐙🦀🐝🦋🐞🦎🐍🦂🦐"))).toBe(false)
      })
    )

    it.effect("no account or an unreadable hash: false, after the same work", () =>
      Effect.gen(function* () {
        const hasher = yield* PasswordHasher
        expect(yield* hasher.verify(null, secret("anything at all here"))).toBe(false)
        expect(yield* hasher.verify("not a hash", secret("anything at all here"))).toBe(false)
        expect(yield* hasher.verify("$2b$12$abcdefghijklmnopqrstuu", secret("anything at all here"))).toBe(false)
      })
    )
  })

  it.effect("a hash made with other parameters verifies and asks for a re-hash", () =>
    Effect.gen(function* () {
      const weak = yield* Effect.provide(
        Effect.flatMap(PasswordHasher, (h) => h.hash(secret("correct horse battery staple"))),
        layer({ memoryKib: 4096, iterations: 1, parallelism: 1 })
      )
      expect(parametersOf(weak)).toEqual({ memoryKib: 4096, iterations: 1, parallelism: 1 })
      const hasher = yield* PasswordHasher
      expect(yield* hasher.verify(weak, secret("correct horse battery staple"))).toBe(true)
      expect(hasher.needsRehash(weak)).toBe(true)
      expect(hasher.needsRehash("not a hash")).toBe(true)
    }).pipe(Effect.provide(layer()))
  )
})
