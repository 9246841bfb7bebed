import type { Effect } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { OrganizationId } from "../model/ids.js"
import type { Lead } from "../model/Lead.js"

export declare namespace LeadImportWriter {
  /** A lead as a bulk import stores it: under `identityKey`, with `score` in place of the lead's own score. */
  export interface Row {
    readonly lead: Lead
    readonly identityKey: string
    readonly score: { readonly score: number; readonly grade: Lead["grade"] }
  }

  /** What a batch writes, decided from the stored leads; `result` is handed back once the batch is written. */
  export interface Plan<A> {
    readonly inserts: ReadonlyArray<Row>
    readonly updates: ReadonlyArray<Row>
    readonly result: A
  }

  export interface Service {
    /**
     * Writes one batch in one transaction, all or nothing: reads and locks the stored leads of `organizationId`
     * with `identityKeys`, asks `plan` what to write given them (keyed by identity key), inserts the new leads and
     * upserts the changed ones by identity (nothing when `dryRun`). `plan` may be called a second time in a fresh
     * transaction when another writer inserted one of the identities meanwhile, so it must not have effects of
     * its own beyond reads. A killed import re-run therefore converges on exactly one copy of every row.
     */
    readonly writeBatch: <A, E>(
      organizationId: OrganizationId,
      identityKeys: ReadonlyArray<string>,
      plan: (stored: ReadonlyMap<string, Lead>) => Effect.Effect<Plan<A>, E>,
      options: { readonly dryRun: boolean }
    ) => Effect.Effect<A, E | Unavailable>
    /**
     * Refreshes the planner's statistics of the table the batches look leads up in: its lookup columns during an
     * import (`lookup`), every column once it is done (`all`).
     */
    readonly analyze: (scope: "lookup" | "all") => Effect.Effect<void, Unavailable>
  }
}

/** The bulk writer behind `leadforge import --type leads`: batches of leads merged into the stored ones. */
export class LeadImportWriter extends Context.Tag("@leadforge/domain/LeadImportWriter")<
  LeadImportWriter,
  LeadImportWriter.Service
>() {}
