import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { DataSource } from "../model/DataSource.js"
import type { DataSourceId, LeadId, OrganizationId } from "../model/ids.js"

export declare namespace DataSourceRepository {
  export interface Service {
    readonly insert: (source: DataSource) => Effect.Effect<DataSource, Unavailable>
    /** Replaces a stored source's payload, confidence and fetch time (a re-fetched page keeps its one row). */
    readonly update: (source: DataSource) => Effect.Effect<DataSource, Unavailable>
    readonly findById: (
      organizationId: OrganizationId,
      id: DataSourceId
    ) => Effect.Effect<Option.Option<DataSource>, Unavailable>
    readonly listByLead: (
      organizationId: OrganizationId,
      leadId: LeadId
    ) => Effect.Effect<ReadonlyArray<DataSource>, Unavailable>
  }
}

export class DataSourceRepository extends Context.Tag("@leadforge/domain/DataSourceRepository")<
  DataSourceRepository,
  DataSourceRepository.Service
>() {}
