import { CampaignRepository } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { makeCrud } from "./crud.js"
import { MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const CampaignRepositoryMemory: Layer.Layer<CampaignRepository, never, MemoryStore> = Layer.effect(
  CampaignRepository,
  Effect.map(MemoryStore, ({ tables, lock }) =>
    traced("CampaignRepositoryMemory", makeCrud("campaigns", "campaign", tables, lock))
  )
)
