import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { type LeadStatus, transitionStatus } from "../src/model/LeadStatus.js"

const all: ReadonlyArray<LeadStatus> = ["new", "contacted", "qualified", "won", "lost", "disqualified"]

/** The whole table, written out: [from, to] pairs that are legal without a reopen. */
const legal = new Set([
  "new→contacted",
  "new→disqualified",
  "contacted→qualified",
  "contacted→disqualified",
  "qualified→won",
  "qualified→lost",
  "qualified→disqualified"
])

describe("transitionStatus", () => {
  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))("%s → %s", (from, to) => {
    const result = transitionStatus(from, to)
    if (legal.has(`${from}→${to}`)) {
      expect(result).toEqual(Either.right(to))
    } else {
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("IllegalStatusTransition")
        expect(result.left.message).toContain(`"${from}"`)
        expect(result.left.message).toContain(`"${to}"`)
      }
    }
  })

  it("reopening is explicit and only from a closed state to an open one", () => {
    for (const closed of ["won", "lost", "disqualified"] as const) {
      expect(transitionStatus(closed, "contacted", { reopen: true })).toEqual(Either.right("contacted"))
      expect(Either.isLeft(transitionStatus(closed, "contacted"))).toBe(true)
      expect(Either.isLeft(transitionStatus(closed, "won", { reopen: true }))).toBe(true)
    }
    expect(Either.isLeft(transitionStatus("new", "contacted", { reopen: true }))).toBe(true)
  })
})
