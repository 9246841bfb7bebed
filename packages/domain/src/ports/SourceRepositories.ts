import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { EntityNotFound, Unavailable } from "../errors.js"
import type { Conversation, ConversationMessage } from "../model/Activity.js"
import type { ConversationId, DataSourceId, LeadId, OrganizationId } from "../model/ids.js"
import type { DataSource } from "../model/Sources.js"

export declare namespace ConversationRepository {
  export interface Service {
    readonly insert: (conversation: Conversation) => Effect.Effect<Conversation, Unavailable>
    readonly appendMessage: (
      organizationId: OrganizationId,
      id: ConversationId,
      message: ConversationMessage
    ) => Effect.Effect<Conversation, EntityNotFound | Unavailable>
    readonly findById: (
      organizationId: OrganizationId,
      id: ConversationId
    ) => Effect.Effect<Option.Option<Conversation>, Unavailable>
    readonly listByLead: (
      organizationId: OrganizationId,
      leadId: LeadId
    ) => Effect.Effect<ReadonlyArray<Conversation>, Unavailable>
  }
}

export class ConversationRepository extends Context.Tag("@leadforge/domain/ConversationRepository")<
  ConversationRepository,
  ConversationRepository.Service
>() {}

export declare namespace DataSourceRepository {
  export interface Service {
    readonly insert: (source: DataSource) => Effect.Effect<DataSource, Unavailable>
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
