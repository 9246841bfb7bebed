import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { EntityNotFound, Unavailable } from "../errors.js"
import type { Conversation, ConversationMessage } from "../model/Conversation.js"
import type { ConversationId, LeadId, OrganizationId } from "../model/ids.js"

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
