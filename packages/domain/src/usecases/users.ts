import { Effect, Option, ParseResult, Redacted, Schema } from "effect"
import { FieldIssue, ValidationFailed } from "../errors.js"
import { newId, type UserId } from "../model/ids.js"
import { Membership } from "../model/Membership.js"
import type { Role } from "../model/Role.js"
import { DisplayName, EmailAddress, User } from "../model/User.js"
import { MembershipRepository } from "../ports/MembershipRepository.js"
import { PasswordHasher } from "../ports/PasswordHasher.js"
import { UserRepository } from "../ports/UserRepository.js"
import { normalizePassword, passwordProblems } from "../rules/password.js"
import { audit, currentDate, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/** The issues of one field's value under `schema`, named by `field`. */
const fieldIssues = <A>(schema: Schema.Schema<A, string>, field: string, value: string) =>
  Schema.decodeEither(schema)(value).pipe((result) =>
    result._tag === "Right"
      ? { value: result.right, issues: [] as Array<FieldIssue> }
      : {
          value: undefined,
          issues: ParseResult.ArrayFormatter.formatErrorSync(result.left).map(
            (issue) => new FieldIssue({ field, code: "invalid", message: issue.message })
          )
        }
  )

/** The policy's verdict on a password, as FieldIssues of `field` (none when acceptable). */
export const passwordIssues = (password: Redacted.Redacted<string>, email: string, field = "password") =>
  passwordProblems(Redacted.value(password), { email }).map(
    (problem) => new FieldIssue({ field, code: `password_${problem.code}`, message: problem.message })
  )

/** Email and name decoded, or ValidationFailed naming each failing field (with the password's problems, if any). */
export const decodeAccount = (input: {
  readonly email: string
  readonly name: string
  readonly password?: Redacted.Redacted<string>
}) => {
  const email = fieldIssues(EmailAddress, "email", input.email)
  const name = fieldIssues(DisplayName, "name", input.name)
  const password = input.password === undefined ? [] : passwordIssues(input.password, email.value ?? input.email)
  const issues = [...email.issues, ...name.issues, ...password]
  return issues.length > 0 || email.value === undefined || name.value === undefined
    ? Effect.fail(new ValidationFailed({ entity: "user", issues }))
    : Effect.succeed({ email: email.value, name: name.value })
}

/** The PHC hash of a password in the form the policy checks it (NFKC). */
export const hashPassword = (password: Redacted.Redacted<string>) =>
  Effect.flatMap(PasswordHasher, (hasher) => hasher.hash(Redacted.make(normalizePassword(Redacted.value(password)))))

/**
 * A new account with a password and a membership of `role` in the caller's organization, in one transaction,
 * audited as `create user { role }` (the email is masked by the audit's redaction; the password never appears).
 * UniqueConflict when the email is taken.
 */
export const createUser = (
  ctx: UseCaseContext,
  input: {
    readonly email: string
    readonly name: string
    readonly password: Redacted.Redacted<string>
    readonly role: Role
  }
) =>
  Effect.gen(function* () {
    const account = yield* decodeAccount(input)
    const passwordHash = yield* hashPassword(input.password)
    const at = yield* currentDate
    const user = yield* (yield* UserRepository).insert(
      new User({
        id: newId<UserId>(),
        email: account.email,
        name: account.name,
        passwordHash,
        failedSignIns: 0,
        lockedUntil: null,
        createdAt: at,
        updatedAt: at
      })
    )
    const membership = yield* (yield* MembershipRepository).insert(
      new Membership({ userId: user.id, organizationId: ctx.organizationId, role: input.role, createdAt: at })
    )
    yield* audit(ctx, "create", "user", user.id, { email: user.email, role: membership.role })
    return { user, membership }
  }).pipe(transactionally, Effect.withSpan("createUser"))

/**
 * The user whose email and password these are, or None, in about the same time either way (an unknown email is
 * checked against a hash of the hasher's own). A hash made with older parameters is replaced by one at the current
 * parameters. Lock and failure counting are the sign-in's (see signIn).
 */
export const verifyCredentials = (email: string, password: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const users = yield* UserRepository
    const hasher = yield* PasswordHasher
    const normalized = Redacted.make(normalizePassword(Redacted.value(password)))
    const found = yield* users.findByEmail(email.trim())
    const hash = Option.match(found, { onNone: () => null, onSome: (user) => user.passwordHash })
    const valid = yield* hasher.verify(hash, normalized)
    if (!valid || Option.isNone(found) || hash === null) return { user: found, valid: false } as const
    if (!hasher.needsRehash(hash)) return { user: found, valid: true } as const
    const rehashed = new User({
      ...found.value,
      passwordHash: yield* hasher.hash(normalized),
      updatedAt: yield* currentDate
    })
    yield* users.update(rehashed)
    return { user: Option.some(rehashed), valid: true } as const
  }).pipe(Effect.withSpan("verifyCredentials"))
