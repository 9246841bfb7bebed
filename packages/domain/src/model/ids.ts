import { bytesToHex, randomBytes } from "@noble/hashes/utils.js"
import { Schema } from "effect"

const id = <B extends string>(brand: B) => Schema.UUID.pipe(Schema.brand(brand))

export const OrganizationId = id("OrganizationId")
export type OrganizationId = typeof OrganizationId.Type
export const UserId = id("UserId")
export type UserId = typeof UserId.Type
export const SessionId = id("SessionId")
export type SessionId = typeof SessionId.Type
export const OneTimeLinkId = id("OneTimeLinkId")
export type OneTimeLinkId = typeof OneTimeLinkId.Type
export const ApiKeyId = id("ApiKeyId")
export type ApiKeyId = typeof ApiKeyId.Type
export const LeadId = id("LeadId")
export type LeadId = typeof LeadId.Type
export const ContactId = id("ContactId")
export type ContactId = typeof ContactId.Type
export const ActivityId = id("ActivityId")
export type ActivityId = typeof ActivityId.Type
export const ConversationId = id("ConversationId")
export type ConversationId = typeof ConversationId.Type
export const DataSourceId = id("DataSourceId")
export type DataSourceId = typeof DataSourceId.Type
export const CampaignId = id("CampaignId")
export type CampaignId = typeof CampaignId.Type
export const ProductId = id("ProductId")
export type ProductId = typeof ProductId.Type
export const KnowledgeDocId = id("KnowledgeDocId")
export type KnowledgeDocId = typeof KnowledgeDocId.Type
export const VectorChunkId = id("VectorChunkId")
export type VectorChunkId = typeof VectorChunkId.Type
export const AuditEventId = id("AuditEventId")
export type AuditEventId = typeof AuditEventId.Type
export const ResearchTaskId = id("ResearchTaskId")
export type ResearchTaskId = typeof ResearchTaskId.Type

const webCrypto = (globalThis as { readonly crypto?: { randomUUID?: () => string } }).crypto
const randomUUID = webCrypto?.randomUUID === undefined ? undefined : webCrypto.randomUUID.bind(webCrypto)

/**
 * A fresh random (RFC 9562 version 4) UUID from the platform's CSPRNG, typed as the given id: Web Crypto's
 * `randomUUID` where the platform has it (it draws entropy in blocks, 20× cheaper per id), else 16 random bytes.
 */
export const newId = <A extends string>(): A => {
  if (randomUUID !== undefined) return randomUUID() as A
  const bytes = randomBytes(16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytesToHex(bytes)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as A
}
