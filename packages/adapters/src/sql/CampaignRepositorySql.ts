import { Campaign, type CampaignId, CampaignRepository } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { makeCrud } from "./crud.js"

export const CampaignRepositorySql = Layer.effect(
  CampaignRepository,
  Effect.map(
    makeCrud("campaigns", "campaign", Campaign, () => ({})),
    (crud) =>
      CampaignRepository.of({
        ...crud,
        findById: (organizationId, id: CampaignId) => crud.findById(organizationId, id)
      })
  )
)
