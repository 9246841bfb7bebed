import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect, FastCheck, Layer, Option, Redacted, Schema } from "effect"
import { AuditCheckpoint } from "../src/model/AuditCheckpoint.js"
import { AuditEvent, AuditEventDraft } from "../src/model/AuditEvent.js"
import type { OrganizationId } from "../src/model/ids.js"
import { AuditCheckpointKey } from "../src/ports/AuditCheckpointKey.js"
import { AuditLog } from "../src/ports/AuditLog.js"
import { chainAuditEvent } from "../src/rules/audit.js"
import {
  auditCheckpointStatement,
  hasValidAuditCheckpointSignature,
  signAuditCheckpoint,
  verifyAuditChainAgainst
} from "../src/rules/auditCheckpoint.js"
import { issueAuditCheckpoint, verifyAuditTrailAgainst } from "../src/usecases/auditCheckpoint.js"

const org = "6f1c2b0e-0000-4000-8000-000000000001" as OrganizationId
const otherOrg = "6f1c2b0e-0000-4000-8000-000000000002" as OrganizationId
const KEY = "a-checkpoint-key-of-at-least-32-characters"
const issuedAt = new Date("2025-01-31T12:00:00.000Z")
const draftArb = Arbitrary.make(AuditEventDraft).map((draft) => new AuditEventDraft({ ...draft, organizationId: org }))
const chainOf = (drafts: ReadonlyArray<AuditEventDraft>) => {
  const events: Array<AuditEvent> = []
  for (const draft of drafts) events.push(chainAuditEvent(events.at(-1) ?? null, draft))
  return events
}
const sample = (n: number) => chainOf(FastCheck.sample(draftArb, { numRuns: n, seed: 7 }))
const checkpointOf = (events: ReadonlyArray<AuditEvent>, key = KEY) =>
  signAuditCheckpoint(auditCheckpointStatement(org, events, issuedAt), key)

describe("audit checkpoint rule", () => {
  it("states the head, signs it, and the signature survives a JSON round trip", () => {
    const events = sample(4)
    const checkpoint = checkpointOf(events)
    expect(checkpoint).toMatchObject({
      organizationId: org,
      sequence: 4,
      eventId: events[3]!.id,
      hash: events[3]!.hash,
      algorithm: "HMAC-SHA-256"
    })
    const json = JSON.parse(JSON.stringify(Schema.encodeSync(AuditCheckpoint)(checkpoint)))
    const decoded = Schema.decodeUnknownSync(AuditCheckpoint)(json)
    expect(hasValidAuditCheckpointSignature(decoded, KEY)).toBe(true)
    expect(hasValidAuditCheckpointSignature(decoded, `${KEY}x`)).toBe(false)
  })

  it("an empty chain has a checkpoint at sequence 0 that any chain of the organization satisfies", () => {
    const empty = checkpointOf([])
    expect(empty).toMatchObject({ sequence: 0, eventId: null, hash: null })
    expect(verifyAuditChainAgainst([], empty)).toEqual({ valid: true, length: 0, checkpointSequence: 0 })
    expect(verifyAuditChainAgainst(sample(2), empty)).toMatchObject({ valid: true, length: 2 })
  })

  it("any change to a signed field invalidates the signature", () => {
    const checkpoint = checkpointOf(sample(3))
    const changes: ReadonlyArray<Partial<AuditCheckpoint>> = [
      { sequence: checkpoint.sequence - 1 },
      { hash: "0".repeat(64) },
      { eventId: sample(1)[0]!.id },
      { organizationId: otherOrg },
      { issuedAt: new Date(issuedAt.getTime() + 1) },
      { signature: checkpoint.signature.replace(/^./, (c) => (c === "a" ? "b" : "a")) }
    ]
    for (const change of changes) {
      expect(hasValidAuditCheckpointSignature(new AuditCheckpoint({ ...checkpoint, ...change }), KEY)).toBe(false)
    }
  })

  it("a chain that grew after the checkpoint holds to it", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(draftArb, { minLength: 1, maxLength: 8 }), FastCheck.nat(), (drafts, at) => {
        const events = chainOf(drafts)
        const upTo = (at % events.length) + 1
        expect(verifyAuditChainAgainst(events, checkpointOf(events.slice(0, upTo)))).toEqual({
          valid: true,
          length: events.length,
          checkpointSequence: upTo
        })
      }),
      { numRuns: 50 }
    )
  })

  it("any deletion from the end below the checkpoint is truncation, naming the checkpoint's sequence and event", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(draftArb, { minLength: 1, maxLength: 8 }), FastCheck.nat(), (drafts, cut) => {
        const events = chainOf(drafts)
        const checkpoint = checkpointOf(events)
        const kept = events.slice(0, cut % events.length)
        const result = verifyAuditChainAgainst(kept, checkpoint)
        expect(result).toMatchObject({
          valid: false,
          kind: "truncated",
          sequence: events.length,
          eventId: events.at(-1)!.id,
          brokenAt: kept.length
        })
        if (!result.valid) expect(result.reason).toContain(`the chain ends at sequence ${kept.length}`)
      }),
      { numRuns: 100 }
    )
  })

  it("a chain rewritten before the checkpoint with every hash recomputed is caught at the checkpoint's sequence", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(draftArb, { minLength: 1, maxLength: 6 }), FastCheck.nat(), (drafts, at) => {
        const events = chainOf(drafts)
        const checkpoint = checkpointOf(events)
        const i = at % drafts.length
        const edited = [...drafts]
        edited[i] = new AuditEventDraft({ ...drafts[i]!, entityId: `${drafts[i]!.entityId}x` })
        const rewritten = chainOf(edited)
        expect(verifyAuditChainAgainst(rewritten, checkpoint)).toMatchObject({
          valid: false,
          kind: "rewritten",
          sequence: events.length,
          eventId: rewritten.at(-1)!.id,
          brokenAt: events.length - 1
        })
      }),
      { numRuns: 100 }
    )
  })

  it("an edit in the middle is reported at that event's sequence and id, before any checkpoint finding", () => {
    const events = sample(5)
    const checkpoint = checkpointOf(events)
    const tampered = [...events]
    tampered[2] = new AuditEvent({ ...events[2]!, details: { edited: true } })
    expect(verifyAuditChainAgainst(tampered.slice(0, 4), checkpoint)).toMatchObject({
      valid: false,
      kind: "link",
      sequence: 3,
      eventId: events[2]!.id,
      brokenAt: 2
    })
  })
})

const withChain = (events: ReadonlyArray<AuditEvent>, key: Option.Option<string>) =>
  Layer.merge(
    Layer.succeed(
      AuditLog,
      AuditLog.of({
        append: () => Effect.die("not used"),
        list: () => Effect.succeed({ items: [], nextCursor: null }),
        chain: (organizationId) => Effect.succeed(organizationId === org ? events : [])
      })
    ),
    Layer.succeed(AuditCheckpointKey, { key: Option.map(key, Redacted.make), hint: "set THE_KEY" })
  )

describe("audit checkpoint use cases", () => {
  it.effect("issue over a verified chain, verify against it, reject a forged or foreign checkpoint", () =>
    Effect.gen(function* () {
      const events = sample(3)
      const checkpoint = yield* issueAuditCheckpoint(org)
      expect(checkpoint).toMatchObject({ sequence: 3, eventId: events[2]!.id })
      expect(yield* verifyAuditTrailAgainst(org, checkpoint)).toMatchObject({ valid: true, checkpointSequence: 3 })
      const forged = new AuditCheckpoint({ ...checkpoint, sequence: 2 })
      const rejected = yield* Effect.flip(verifyAuditTrailAgainst(org, forged))
      expect(rejected).toMatchObject({ _tag: "InvalidAuditCheckpoint", code: "invalid_audit_checkpoint" })
      expect(rejected.message).toContain("signature does not match")
      const foreign = signAuditCheckpoint({ ...auditCheckpointStatement(otherOrg, [], issuedAt) }, KEY)
      expect((yield* Effect.flip(verifyAuditTrailAgainst(org, foreign))).message).toContain(
        `issued for organization ${otherOrg}`
      )
    }).pipe(Effect.provide(withChain(sample(3), Option.some(KEY))))
  )

  it.effect("without a key both fail with the port's hint", () =>
    Effect.gen(function* () {
      const issued = yield* Effect.flip(issueAuditCheckpoint(org))
      expect(issued).toMatchObject({ _tag: "AuditCheckpointNotConfigured", code: "audit_checkpoint_not_configured" })
      expect(issued.message).toBe("no audit checkpoint key is configured: set THE_KEY")
      const verified = yield* Effect.flip(verifyAuditTrailAgainst(org, checkpointOf(sample(3))))
      expect(verified._tag).toBe("AuditCheckpointNotConfigured")
    }).pipe(Effect.provide(withChain(sample(3), Option.none())))
  )

  it.effect("refuses to sign a broken chain, naming the broken event", () => {
    const events = sample(3)
    const broken = [events[0]!, new AuditEvent({ ...events[1]!, entityId: "changed" }), events[2]!]
    return Effect.gen(function* () {
      const error = yield* Effect.flip(issueAuditCheckpoint(org))
      expect(error).toMatchObject({ _tag: "AuditChainBroken", sequence: 2, eventId: events[1]!.id })
    }).pipe(Effect.provide(withChain(broken, Option.some(KEY))))
  })
})
