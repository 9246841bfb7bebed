import { Campaign, type CampaignStatus } from "../../model/Campaign.js"
import type { Money } from "../../model/Money.js"
import { CampaignRepository } from "../../ports/CampaignRepository.js"
import { type Patch, versionedEntity } from "./versionedEntity.js"

export interface CampaignInput {
  readonly name: string
  readonly status?: CampaignStatus | undefined
  readonly budget?: Money | null | undefined
  readonly startsAt?: Date | null | undefined
  readonly endsAt?: Date | null | undefined
}

export type CampaignPatch = Patch<ConstructorParameters<typeof Campaign>[0]>

const campaigns = versionedEntity({
  entity: "campaign",
  repository: CampaignRepository,
  create: (input: CampaignInput, base) =>
    new Campaign({
      ...base,
      name: input.name,
      status: input.status ?? "draft",
      budget: input.budget ?? null,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null
    }),
  make: (fields: ConstructorParameters<typeof Campaign>[0]) => new Campaign(fields)
})

export const createCampaign = campaigns.create
export const getCampaign = campaigns.get
export const listCampaigns = campaigns.list
export const updateCampaign = campaigns.update
export const deleteCampaign = campaigns.delete
