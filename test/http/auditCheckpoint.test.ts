import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { executeSql } from "../../packages/adapters/test/support/databases.js"
import { backends, postJson, type RunningServer, raw, startServer, withClient } from "./support.js"

const KEY = "http-checkpoint-key-0123456789abcdef-0123"

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`audit checkpoints over HTTP on ${backend.name}`, () => {
    let server: RunningServer
    let unkeyed: RunningServer
    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, { ...backend.env, AUDIT_CHECKPOINT_KEY: KEY })
      // the same database, served without a key
      unkeyed = await startServer(server.context, { ...backend.env, AUDIT_CHECKPOINT_KEY: "" })
    }, 120_000)
    afterAll(async () => {
      await unkeyed?.close()
      await server?.close()
    })
    const tamper = (statement: string, params: ReadonlyArray<unknown>) =>
      Effect.runPromise(executeSql(Layer.succeedContext(server.context), statement, params))

    it("signs the head for any key; verifying against it detects truncation and edits by sequence and id", async () => {
      const { organizationId, key: admin } = await server.newOrganization("admin")
      const viewer = await withClient(server, admin, (client) =>
        Effect.gen(function* () {
          for (const name of ["One", "Two", "Three"]) {
            yield* client.leads.create({ payload: { companyName: name, domain: `${name.toLowerCase()}.dev` } })
          }
          return (yield* client.keys.create({ payload: { name: "auditor", role: "viewer" } })).key
        })
      )
      const events = (await (await raw(server, "/api/v1/audit", { key: admin })).json()).items as Array<{
        id: string
        sequence: number
      }>
      const head = events.at(-1)!

      // any key of the organization may read it, a viewer's too
      const viewers = await raw(server, "/api/v1/audit/checkpoint", { key: viewer })
      expect(viewers.status).toBe(200)
      expect(await viewers.json()).toMatchObject({ organizationId, sequence: head.sequence, eventId: head.id })
      // another organization's key gets its own organization's head, never this one's
      const stranger = (await server.newOrganization("admin")).key
      expect((await (await raw(server, "/api/v1/audit/checkpoint", { key: stranger })).json()).organizationId).not.toBe(
        organizationId
      )

      const checkpoint = await withClient(server, admin, (client) => client.audit.checkpoint())
      expect(checkpoint).toMatchObject({ organizationId, sequence: head.sequence, eventId: head.id })
      const body = await (await raw(server, "/api/v1/audit/checkpoint", { key: admin })).text()
      expect(body).not.toContain(KEY)
      const signed = JSON.parse(body)

      const holds = await postJson(server, "/api/v1/audit/verify", admin, signed)
      expect(holds.status).toBe(200)
      expect(await holds.json()).toEqual({ valid: true, length: head.sequence, checkpointSequence: head.sequence })

      // without a key on the server: 503 naming the setting
      for (const response of [
        await raw(unkeyed, "/api/v1/audit/checkpoint", { key: admin }),
        await postJson(unkeyed, "/api/v1/audit/verify", admin, signed)
      ]) {
        expect(response.status).toBe(503)
        const problem = await response.json()
        expect(problem).toMatchObject({ code: "audit_checkpoint_not_configured" })
        expect(problem.detail).toContain("AUDIT_CHECKPOINT_KEY")
      }

      // a tampered checkpoint is rejected
      const forged = await postJson(server, "/api/v1/audit/verify", admin, { ...signed, sequence: head.sequence - 1 })
      expect(forged.status).toBe(422)
      expect(await forged.json()).toMatchObject({ code: "invalid_audit_checkpoint" })

      // the newest event is deleted
      await tamper("DELETE FROM audit_events WHERE organization_id = $1 AND sequence = $2", [
        organizationId,
        head.sequence
      ])
      expect(await (await raw(server, "/api/v1/audit/verify", { key: admin })).json()).toMatchObject({ valid: true })
      const truncated = await postJson(server, "/api/v1/audit/verify", admin, signed)
      expect(truncated.status).toBe(200)
      expect(await truncated.json()).toMatchObject({
        valid: false,
        kind: "truncated",
        sequence: head.sequence,
        eventId: head.id
      })

      // an event in the middle is edited
      const middle = events[1]!
      await tamper("UPDATE audit_events SET entity_id = 'edited' WHERE organization_id = $1 AND sequence = $2", [
        organizationId,
        middle.sequence
      ])
      const check = await withClient(server, admin, (client) => client.audit.verify())
      expect(check).toMatchObject({
        valid: false,
        kind: "link",
        sequence: middle.sequence,
        eventId: middle.id,
        brokenAt: middle.sequence - 1
      })
      const refused = await raw(server, "/api/v1/audit/checkpoint", { key: admin })
      expect(refused.status).toBe(409)
      expect(await refused.json()).toMatchObject({ code: "audit_chain_broken" })
    })
  })
}
