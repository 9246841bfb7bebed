import type { SessionPolicy, SignInPolicy } from "@leadforge/domain"
import { Context, Layer } from "effect"

/** How people sign in and how long their sessions last, as the one who assembles the server decided. */
export interface AuthPolicies {
  readonly session: SessionPolicy
  readonly signIn: SignInPolicy
  /** Origins besides the server's own whose unsafe requests a session cookie may make (CORS_ORIGINS). */
  readonly trustedOrigins: ReadonlyArray<string>
}

export class AuthSettings extends Context.Tag("@leadforge/http/AuthSettings")<AuthSettings, AuthPolicies>() {}

export const authSettingsLayer = (policies: AuthPolicies) => Layer.succeed(AuthSettings, policies)
