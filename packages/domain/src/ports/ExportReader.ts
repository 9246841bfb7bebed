import type { Stream } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { OrganizationId } from "../model/ids.js"
import type { LeadStatus } from "../model/LeadStatus.js"
import type { ContactExportRecord, LeadExportRecord } from "../rules/exportRecords.js"

/** Which leads an export takes (contacts: the contacts of those leads). */
export interface ExportFilter {
  readonly status?: LeadStatus
  readonly industry?: string
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country?: string
  readonly minScore?: number
}

export declare namespace ExportReader {
  export interface Service {
    /**
     * Every matching lead of the organization, by id, read a page at a time: the stream holds one page, never the
     * whole organization, so an export runs in constant memory however many leads there are.
     */
    readonly leads: (
      organizationId: OrganizationId,
      filter: ExportFilter
    ) => Stream.Stream<LeadExportRecord, Unavailable>
    /** Every contact of the matching leads, by id, a page at a time. */
    readonly contacts: (
      organizationId: OrganizationId,
      filter: ExportFilter
    ) => Stream.Stream<ContactExportRecord, Unavailable>
  }
}

/** The reader behind `leadforge export`: an organization's leads or contacts as export records. */
export class ExportReader extends Context.Tag("@leadforge/domain/ExportReader")<ExportReader, ExportReader.Service>() {}
