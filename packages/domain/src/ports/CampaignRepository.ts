import { Context } from "effect"
import type { Campaign } from "../model/Campaign.js"
import type { CampaignId } from "../model/ids.js"
import type { CrudRepository } from "./CrudRepository.js"

export declare namespace CampaignRepository {
  export type Service = CrudRepository<Campaign, CampaignId>
}

export class CampaignRepository extends Context.Tag("@leadforge/domain/CampaignRepository")<
  CampaignRepository,
  CampaignRepository.Service
>() {}
