import { type ResolvedSession, Session, SessionRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, type Tables } from "./MemoryStore.js"
import { traced } from "./traced.js"

const resolve = (t: Tables, session: Session): ResolvedSession => ({
  session,
  role: Option.match(HashMap.get(t.memberships, `${session.organizationId}/${session.userId}`), {
    onNone: () => null,
    onSome: (m) => m.role
  })
})

const withSession = (t: Tables, session: Session): Tables => ({
  ...t,
  sessions: HashMap.set(t.sessions, session.id, session)
})

export const SessionRepositoryMemory: Layer.Layer<SessionRepository, never, MemoryStore> = Layer.effect(
  SessionRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    const replace = (session: Session, fields: Partial<Session>): Session => new Session({ ...session, ...fields })
    return SessionRepository.of(
      traced("SessionRepositoryMemory", {
        insert: (session) =>
          lock.withPermits(1)(
            Effect.as(
              Ref.update(tables, (t) => withSession(t, session)),
              session
            )
          ),
        findByTokenHash: (tokenHash) =>
          Effect.map(Ref.get(tables), (t) =>
            Option.map(
              Option.fromNullable([...HashMap.values(t.sessions)].find((s) => s.tokenHash === tokenHash)),
              (s) => resolve(t, s)
            )
          ),
        findById: (id) =>
          Effect.map(Ref.get(tables), (t) => Option.map(HashMap.get(t.sessions, id), (s) => resolve(t, s))),
        touch: (id, at) =>
          lock.withPermits(1)(
            Ref.update(tables, (t) =>
              Option.match(HashMap.get(t.sessions, id), {
                onNone: () => t,
                onSome: (s) => (s.lastSeenAt < at ? withSession(t, replace(s, { lastSeenAt: at })) : t)
              })
            )
          ),
        revoke: (id, at, reason) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const found = HashMap.get(t.sessions, id)
              if (Option.isNone(found) || found.value.revokedAt !== null) return [false, t]
              return [true, withSession(t, replace(found.value, { revokedAt: at, revokedReason: reason }))]
            })
          ),
        revokeForUser: (userId, at, reason, options = {}) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              let next = t
              let count = 0
              for (const s of HashMap.values(t.sessions)) {
                if (s.userId !== userId || s.revokedAt !== null || s.id === options.except) continue
                if (options.organizationId !== undefined && s.organizationId !== options.organizationId) continue
                next = withSession(next, replace(s, { revokedAt: at, revokedReason: reason }))
                count++
              }
              return [count, next]
            })
          )
      })
    )
  })
)
