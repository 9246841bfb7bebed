import type { Effect, Redacted } from "effect"
import { Context } from "effect"

export declare namespace PasswordHasher {
  export interface Service {
    /** A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of the password at the current parameters. */
    readonly hash: (password: Redacted.Redacted<string>) => Effect.Effect<string>
    /**
     * Whether `password` matches `hash`; false for a hash this hasher cannot read. With `hash` null (no such
     * account) it does the same work against a hash of its own and answers false, so that an unknown email takes
     * as long as a wrong password.
     */
    readonly verify: (hash: string | null, password: Redacted.Redacted<string>) => Effect.Effect<boolean>
    /** Whether `hash` was made with parameters other than the current ones (it is then re-hashed on sign-in). */
    readonly needsRehash: (hash: string) => boolean
  }
}

/** Slow, salted password hashing (the passwords themselves are never stored). */
export class PasswordHasher extends Context.Tag("@leadforge/domain/PasswordHasher")<
  PasswordHasher,
  PasswordHasher.Service
>() {}
