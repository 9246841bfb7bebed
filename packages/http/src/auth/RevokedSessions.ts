import type { SessionId } from "@leadforge/domain"
import { Context, Layer } from "effect"

/**
 * Sessions signed out through this server process, so that their access tokens stop here at once instead of at
 * their expiry (other processes refuse the next refresh; an access token is never checked against the database).
 * Entries are kept for one access-token lifetime, after which the tokens have expired anyway.
 */
export class RevokedSessions extends Context.Tag("@leadforge/http/RevokedSessions")<
  RevokedSessions,
  { readonly add: (id: SessionId) => void; readonly has: (id: SessionId) => boolean }
>() {}

const LIMIT = 100_000

export const revokedSessionsLayer = (lifetimeMs: number) =>
  Layer.sync(RevokedSessions, () => {
    const until = new Map<string, number>()
    return RevokedSessions.of({
      add: (id) => {
        if (until.size >= LIMIT) until.delete(until.keys().next().value!)
        until.set(id, Date.now() + lifetimeMs)
      },
      has: (id) => {
        if (until.size === 0) return false
        const end = until.get(id)
        if (end === undefined) return false
        if (end > Date.now()) return true
        until.delete(id)
        return false
      }
    })
  })
