import { describe, expect, it } from "@effect/vitest"
import { layer as argon2Layer, PasswordHasherArgon2, parametersOf } from "@leadforge/adapters/crypto"
import { layer as memoryLayer } from "@leadforge/adapters/memory"
import {
  Actor,
  AuditLog,
  createUser,
  MembershipRepository,
  newId,
  Organization,
  type OrganizationId,
  OrganizationRepository,
  type PasswordHasher,
  type Transactor,
  UserRepository,
  verifyCredentials
} from "@leadforge/domain"
import { Effect, Layer, Option, Redacted } from "effect"
import {
  pglitePersistence,
  postgresPersistence,
  resolvePostgres
} from "../../packages/adapters/test/support/databases.js"

const postgres = await resolvePostgres()

const secret = (s: string) => Redacted.make(s)
const PASSWORD = "correct horse battery staple"

/** A fresh organization, stored, and a context acting in it as the system. */
const organization = Effect.gen(function* () {
  const org = yield* (yield* OrganizationRepository).insert(
    new Organization({ id: newId<OrganizationId>(), name: "Acme", createdAt: new Date() })
  )
  return { organizationId: org.id, actor: Actor.system }
})

const email = () => `Ada.${crypto.randomUUID().slice(0, 8)}@Example.com`

const suite = (name: string, persistence: () => Layer.Layer<never, unknown, never> | null, skip?: string) =>
  describe.skipIf(skip !== undefined)(`account use cases on ${name}`, () => {
    const layer = Layer.provideMerge(PasswordHasherArgon2, persistence() ?? Layer.empty) as Layer.Layer<
      OrganizationRepository | UserRepository | MembershipRepository | AuditLog | PasswordHasher | Transactor
    >
    it.layer(layer, { timeout: 120_000 })((it) => {
      it.effect("createUser stores the account and its membership together, audited without the password", () =>
        Effect.gen(function* () {
          const ctx = yield* organization
          const address = email()
          const { user, membership } = yield* createUser(ctx, {
            email: ` ${address} `,
            name: " Ada Lovelace ",
            password: secret(PASSWORD),
            role: "admin"
          })
          expect(user).toMatchObject({ email: address, name: "Ada Lovelace", failedSignIns: 0, lockedUntil: null })
          expect(user.passwordHash).toMatch(/^\$argon2id\$/)
          expect(membership).toMatchObject({ userId: user.id, organizationId: ctx.organizationId, role: "admin" })
          expect(Option.map(yield* (yield* UserRepository).findByEmail(address.toUpperCase()), (u) => u.id)).toEqual(
            Option.some(user.id)
          )
          const events = (yield* (yield* AuditLog).chain(ctx.organizationId)).filter((e) => e.entityType === "user")
          expect(events.map((e) => [e.action, e.entityId, e.details.role])).toEqual([["create", user.id, "admin"]])
          expect(JSON.stringify(events)).not.toContain(PASSWORD)
          expect(JSON.stringify(events)).not.toContain(user.passwordHash)
        })
      )

      it.effect("the email is unique case-insensitively across organizations; nothing half-written", () =>
        Effect.gen(function* () {
          const a = yield* organization
          const b = yield* organization
          const address = email()
          const first = yield* createUser(a, { email: address, name: "Ada", password: secret(PASSWORD), role: "admin" })
          const again = yield* Effect.flip(
            createUser(b, { email: address.toLowerCase(), name: "Ada", password: secret(PASSWORD), role: "member" })
          )
          expect(again).toMatchObject({ _tag: "UniqueConflict", field: "email", existingId: first.user.id })
          expect(yield* (yield* MembershipRepository).list(b.organizationId)).toEqual([])
        })
      )

      it.effect("bad input names every failing field; a common or short password is refused before hashing", () =>
        Effect.gen(function* () {
          const ctx = yield* organization
          const failure = yield* Effect.flip(
            createUser(ctx, { email: "not-an-email", name: "  ", password: secret("password1234"), role: "member" })
          )
          expect(failure._tag).toBe("ValidationFailed")
          const issues = failure._tag === "ValidationFailed" ? failure.issues : []
          expect(issues.map((i) => [i.field, i.code])).toEqual([
            ["email", "invalid"],
            ["name", "invalid"],
            ["password", "password_common"]
          ])
          const short = yield* Effect.flip(
            createUser(ctx, { email: email(), name: "Ada", password: secret("short"), role: "member" })
          )
          expect(short).toMatchObject({ issues: [{ field: "password", code: "password_too_short" }] })
          expect(yield* (yield* MembershipRepository).list(ctx.organizationId)).toEqual([])
        })
      )

      it.effect("verifyCredentials: the right password, a wrong one, and an unknown email", () =>
        Effect.gen(function* () {
          const ctx = yield* organization
          const address = email()
          const { user } = yield* createUser(ctx, {
            email: address,
            name: "Ada",
            password: secret(PASSWORD),
            role: "member"
          })
          const ok = yield* verifyCredentials(address.toLowerCase(), secret(PASSWORD))
          expect(ok.valid).toBe(true)
          expect(Option.map(ok.user, (u) => u.id)).toEqual(Option.some(user.id))
          const wrong = yield* verifyCredentials(address, secret(`${PASSWORD}!`))
          expect(wrong.valid).toBe(false)
          const unknown = yield* verifyCredentials(email(), secret(PASSWORD))
          expect(unknown).toEqual({ user: Option.none(), valid: false })
        })
      )

      it.effect("the NFKC form is what counts: a decomposed accent signs in as the composed one", () =>
        Effect.gen(function* () {
          const ctx = yield* organization
          const address = email()
          yield* createUser(ctx, {
            email: address,
            name: "Zoë",
            password: secret("caf\u00e9 au lait, s'il vous pla\u00eet"),
            role: "member"
          })
          const decomposed = yield* verifyCredentials(address, secret("cafe\u0301 au lait, s'il vous plai\u0302t"))
          expect(decomposed.valid).toBe(true)
        })
      )

      it.effect("a hash made at lower parameters is replaced at the next sign-in, and still signs in", () =>
        Effect.gen(function* () {
          const ctx = yield* organization
          const address = email()
          const { user } = yield* createUser(ctx, {
            email: address,
            name: "Ada",
            password: secret(PASSWORD),
            role: "member"
          }).pipe(Effect.provide(argon2Layer({ memoryKib: 8192, iterations: 1, parallelism: 1 })))
          expect(parametersOf(user.passwordHash!)).toMatchObject({ memoryKib: 8192, iterations: 1 })
          const signedIn = yield* verifyCredentials(address, secret(PASSWORD))
          expect(signedIn.valid).toBe(true)
          const stored = Option.getOrThrow(yield* (yield* UserRepository).findById(user.id))
          expect(parametersOf(stored.passwordHash!)).toEqual({ memoryKib: 19_456, iterations: 2, parallelism: 1 })
          expect((yield* verifyCredentials(address, secret(PASSWORD))).valid).toBe(true)
        })
      )
    })
  })

suite("memory", () => memoryLayer as Layer.Layer<never, unknown, never>)
suite("PGlite", () => pglitePersistence() as Layer.Layer<never, unknown, never>)
suite(
  "PostgreSQL",
  () => (postgres.kind === "none" ? null : (postgresPersistence(postgres) as Layer.Layer<never, unknown, never>)),
  postgres.kind === "none" ? postgres.reason : undefined
)
