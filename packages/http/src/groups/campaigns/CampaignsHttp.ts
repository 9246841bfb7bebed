import { HttpApiBuilder } from "@effect/platform"
import { createCampaign, deleteCampaign, getCampaign, listCampaigns, updateCampaign } from "@leadforge/domain"
import { LeadforgeApi } from "../../Api.js"
import { catalogHandlers } from "../catalog.js"

const campaigns = catalogHandlers({
  create: createCampaign,
  get: getCampaign,
  list: listCampaigns,
  update: updateCampaign,
  delete: deleteCampaign
})

export const CampaignsHttp = HttpApiBuilder.group(LeadforgeApi, "campaigns", (handlers) =>
  handlers
    .handle("create", campaigns.create)
    .handle("list", campaigns.list)
    .handle("get", campaigns.get)
    .handle("update", campaigns.update)
    .handle("delete", campaigns.delete)
)
