import { Either, Schema } from "effect"

export const LeadStatus = Schema.Literal("new", "contacted", "qualified", "won", "lost", "disqualified")
export type LeadStatus = typeof LeadStatus.Type

export const openStatuses: ReadonlyArray<LeadStatus> = ["new", "contacted", "qualified"]
export const isOpenStatus = (status: LeadStatus): boolean => openStatuses.includes(status)

const forward: Readonly<Record<LeadStatus, ReadonlyArray<LeadStatus>>> = {
  new: ["contacted", "disqualified"],
  contacted: ["qualified", "disqualified"],
  qualified: ["won", "lost", "disqualified"],
  won: [],
  lost: [],
  disqualified: []
}

export class IllegalStatusTransition extends Schema.TaggedError<IllegalStatusTransition>()("IllegalStatusTransition", {
  from: LeadStatus,
  to: LeadStatus,
  reason: Schema.String
}) {
  readonly code = "illegal_status_transition"
  override get message() {
    return `cannot move a lead from "${this.from}" to "${this.to}": ${this.reason}`
  }
}

/**
 * The lead status machine: new → contacted → qualified → won | lost, disqualified from any open
 * state. A closed lead (won, lost, disqualified) only moves again through an explicit reopen, which
 * may take it to any open state.
 */
export const transitionStatus = (
  from: LeadStatus,
  to: LeadStatus,
  options: { readonly reopen?: boolean } = {}
): Either.Either<LeadStatus, IllegalStatusTransition> => {
  if (from === to) return Either.left(new IllegalStatusTransition({ from, to, reason: "the lead is already there" }))
  if (!isOpenStatus(from)) {
    if (options.reopen === true && isOpenStatus(to)) return Either.right(to)
    return Either.left(
      new IllegalStatusTransition({
        from,
        to,
        reason: isOpenStatus(to) ? "the lead is closed; reopen it explicitly" : "a closed lead can only be reopened"
      })
    )
  }
  if (options.reopen === true) {
    return Either.left(new IllegalStatusTransition({ from, to, reason: "only a closed lead can be reopened" }))
  }
  return forward[from].includes(to)
    ? Either.right(to)
    : Either.left(new IllegalStatusTransition({ from, to, reason: `allowed next states: ${forward[from].join(", ")}` }))
}

export const allowedTransitions = (from: LeadStatus): ReadonlyArray<LeadStatus> =>
  isOpenStatus(from) ? forward[from] : openStatuses
