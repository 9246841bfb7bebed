import { describe, expect, it } from "@effect/vitest"
import { PasswordHasherArgon2 } from "@leadforge/adapters/crypto"
import { layer as memoryLayer, RateLimitStoreMemory } from "@leadforge/adapters/memory"
import {
  Actor,
  type AuditLog,
  authenticateSession,
  createUser,
  defaultSessionPolicy,
  defaultSignInPolicy,
  MembershipRepository,
  newId,
  Organization,
  type OrganizationId,
  OrganizationRepository,
  type PasswordHasher,
  type RateLimitStore,
  type SessionRepository,
  type SignInPolicy,
  signIn,
  signOut,
  type Transactor,
  type UserRepository,
  userContext
} from "@leadforge/domain"
import { Duration, Effect, Layer, Redacted, TestClock } from "effect"
import {
  pglitePersistence,
  postgresPersistence,
  resolvePostgres
} from "../../packages/adapters/test/support/databases.js"

const postgres = await resolvePostgres()

type Ports =
  | AuditLog
  | MembershipRepository
  | OrganizationRepository
  | PasswordHasher
  | RateLimitStore
  | SessionRepository
  | Transactor
  | UserRepository
const PASSWORD = "a long and unlisted pass phrase"
const policies = { signIn: defaultSignInPolicy, session: defaultSessionPolicy }

/** A stored organization with one member of `role`, signed in with a browser session. */
const signedIn = (role: "admin" | "member" = "member", policy: SignInPolicy = defaultSignInPolicy) =>
  Effect.gen(function* () {
    const organization = yield* (yield* OrganizationRepository).insert(
      new Organization({
        id: newId<OrganizationId>(),
        name: "Acme",
        createdAt: new Date(yield* TestClock.currentTimeMillis)
      })
    )
    const email = `p-${crypto.randomUUID().slice(0, 8)}@example.com`
    const { user } = yield* createUser(
      { organizationId: organization.id, actor: Actor.system },
      { email, name: "P", password: Redacted.make(PASSWORD), role }
    )
    const session = yield* signIn(
      { email, password: Redacted.make(PASSWORD), clientAddress: "192.0.2.1", kind: "cookie" },
      { ...policies, signIn: policy }
    )
    return { organization, user, email, session, token: Redacted.value(session.token!) }
  })

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (e) => (e as { readonly _tag: string })._tag)

const suite = (name: string, persistence: () => Layer.Layer<never, unknown, never> | null, skip?: string) =>
  describe.skipIf(skip !== undefined)(`session use cases on ${name}`, () => {
    const layer = Layer.mergeAll(
      PasswordHasherArgon2,
      RateLimitStoreMemory({ capacity: 100, refillPerSecond: 1 })
    ).pipe(Layer.provideMerge(persistence() ?? Layer.empty)) as unknown as Layer.Layer<Ports>
    it.layer(layer, { timeout: 120_000 })((it) => {
      it.effect("the idle timeout: each use pushes it back; 12 h without use ends the session (TestClock)", () =>
        Effect.gen(function* () {
          const { token } = yield* signedIn()
          const policy = defaultSessionPolicy
          for (let i = 0; i < 3; i++) {
            yield* TestClock.adjust(Duration.hours(11))
            expect((yield* authenticateSession(token, policy)).role).toBe("member")
          }
          yield* TestClock.adjust(Duration.hours(12))
          expect(yield* failure(authenticateSession(token, policy))).toBe("SessionExpired")
        })
      )

      it.effect("the absolute lifetime: 7 days after sign-in the session ends however often it is used", () =>
        Effect.gen(function* () {
          const { token } = yield* signedIn()
          for (let hours = 6; hours < 7 * 24; hours += 6) {
            yield* TestClock.adjust(Duration.hours(6))
            yield* authenticateSession(token, defaultSessionPolicy)
          }
          yield* TestClock.adjust(Duration.hours(6))
          expect(yield* failure(authenticateSession(token, defaultSessionPolicy))).toBe("SessionExpired")
        })
      )

      it.effect("signing out and removal from the organization revoke; a stranger's token is unknown", () =>
        Effect.gen(function* () {
          const a = yield* signedIn()
          yield* signOut(userContext(a.organization.id, a.user.id), a.session.session.id)
          expect(yield* failure(authenticateSession(a.token, defaultSessionPolicy))).toBe("SessionRevoked")
          const b = yield* signedIn()
          yield* (yield* MembershipRepository).remove(b.organization.id, b.user.id)
          expect(yield* failure(authenticateSession(b.token, defaultSessionPolicy))).toBe("SessionRevoked")
          expect(yield* failure(authenticateSession(`lfs_${"A".repeat(43)}`, defaultSessionPolicy))).toBe(
            "SessionUnknown"
          )
          expect(yield* failure(authenticateSession("garbage", defaultSessionPolicy))).toBe("SessionUnknown")
        })
      )

      it.effect("the lock lapses after its time (TestClock) and a sign-in resets the count", () =>
        Effect.gen(function* () {
          const { email } = yield* signedIn()
          const attempt = (password: string) =>
            signIn({ email, password: Redacted.make(password), clientAddress: "192.0.2.2", kind: "cookie" }, policies)
          for (let i = 0; i < defaultSignInPolicy.lockAfter; i++) {
            expect(yield* failure(attempt("not the password at all"))).toBe("InvalidCredentials")
          }
          expect(yield* failure(attempt(PASSWORD))).toBe("InvalidCredentials")
          yield* TestClock.adjust(Duration.millis(defaultSignInPolicy.lockMs))
          expect((yield* attempt(PASSWORD)).role).toBe("member")
        })
      )

      it.effect("sign-in attempts per client address are limited, whatever the email", () =>
        Effect.gen(function* () {
          const policy: SignInPolicy = { ...defaultSignInPolicy, perAddress: { capacity: 3, refillPerSecond: 0.001 } }
          const address = `198.51.100.${Math.floor(Math.random() * 250)}`
          const attempt = (n: number, clientAddress = address) =>
            signIn(
              {
                email: `x${n}-${address}@example.com`,
                password: Redacted.make(PASSWORD),
                clientAddress,
                kind: "cookie"
              },
              { ...policies, signIn: policy }
            )
          for (let n = 0; n < 3; n++) expect(yield* failure(attempt(n))).toBe("InvalidCredentials")
          const throttled = yield* Effect.flip(attempt(4))
          expect(throttled).toMatchObject({ _tag: "SignInThrottled" })
          expect(yield* failure(attempt(5, "203.0.113.9"))).toBe("InvalidCredentials")
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
