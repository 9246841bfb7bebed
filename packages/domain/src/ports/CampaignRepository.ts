import { Context } from "effect"
import type { CampaignId } from "../model/ids.js"
import type { Campaign } from "../model/Sources.js"
import type { CrudRepository } from "./CrudRepository.js"

export declare namespace CampaignRepository {
  export type Service = CrudRepository<Campaign, CampaignId>
}

export class CampaignRepository extends Context.Tag("@leadforge/domain/CampaignRepository")<
  CampaignRepository,
  CampaignRepository.Service
>() {}
