import { Campaign, type CampaignId, CampaignRepository } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { makeCrud } from "./crud.js"

export const make = Effect.map(
  makeCrud({
    adapter: "CampaignRepositorySql",
    table: "campaigns",
    entity: "campaign",
    schema: Campaign,
    extraColumns: () => ({})
  }),
  (crud) =>
    CampaignRepository.of({
      ...crud,
      findById: (organizationId, id: CampaignId) => crud.findById(organizationId, id)
    })
)

export const CampaignRepositorySql = Layer.effect(CampaignRepository, make)
