import * as fs from "node:fs"
import * as path from "node:path"
import { Persistence as PglitePersistence } from "@leadforge/adapters/pglite"
import { PostgresPersistence } from "@leadforge/adapters/postgres"
import { Effect, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { executeSql } from "../../packages/adapters/test/support/databases.js"
import { buildCli, freshPostgres, ndjson, runCli, tempDir } from "../cli/support.js"

const SLOW = 300_000
const KEY = "checkpoint-key-for-tests-0123456789abcdef"

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-audit-checkpoint-")
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

interface Backend {
  readonly name: string
  readonly skip?: string
  /** The CLI's environment and, for the test's own SQL, a client on the same database. */
  readonly open: () => Promise<{
    readonly env: Record<string, string>
    readonly sql: () => Parameters<typeof executeSql>[0]
    readonly cleanup: () => Promise<void>
  }>
}

const backends: ReadonlyArray<Backend> = [
  {
    name: "PGlite",
    open: async () => {
      const dataDir = tempDir("leadforge-audit-pglite-")
      return {
        env: { LEADFORGE_DATA_DIR: dataDir },
        sql: () => PglitePersistence.client({ dataDir }),
        cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true })
      }
    }
  },
  {
    name: "PostgreSQL",
    ...(process.env.DATABASE_URL ? {} : { skip: "DATABASE_URL is not set" }),
    open: async () => {
      const db = await freshPostgres(process.env.DATABASE_URL as string)
      return {
        env: { DATABASE_URL: db.url },
        sql: () => PostgresPersistence.layer(Redacted.make(db.url)),
        cleanup: db.drop
      }
    }
  }
]

interface Event {
  readonly id: string
  readonly organizationId: string
  readonly sequence: number
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`audit checkpoints from the CLI on ${backend.name}`, () => {
    let opened: Awaited<ReturnType<Backend["open"]>>
    beforeAll(async () => {
      opened = await backend.open()
    }, 120_000)
    afterAll(() => opened?.cleanup(), 120_000)

    const cli = (args: ReadonlyArray<string>, extra: Record<string, string> = {}) =>
      runCli(args, { ...opened.env, AUDIT_CHECKPOINT_KEY: KEY, ...extra })
    /** Runs SQL on the database behind the CLI's back, as someone with database access would. */
    const tamper = (statement: string, params: ReadonlyArray<unknown>) =>
      Effect.runPromise(executeSql(opened.sql(), statement, params))
    const events = async () => ndjson((await cli(["audit", "list", "--json"])).stdout) as unknown as Array<Event>
    const save = (name: string, content: string) => {
      const file = path.join(work, `${backend.name}-${name}`)
      fs.writeFileSync(file, content)
      return file
    }

    it(
      "detects the newest events deleted, a tampered checkpoint and an edited event, naming sequence and id",
      async () => {
        expect((await cli(["migrate"])).code).toBe(0)
        for (const name of ["one", "two", "three"]) {
          expect((await cli(["keys", "create", "--name", name, "--role", "member", "--json"])).code).toBe(0)
        }
        const chain = await events()
        expect(chain.length).toBeGreaterThanOrEqual(3)
        const head = chain.at(-1)!

        // without a key the request fails naming the setting
        const unkeyed = await cli(["audit", "checkpoint"], { AUDIT_CHECKPOINT_KEY: "" })
        expect(unkeyed.code).toBe(1)
        expect(unkeyed.stderr).toContain("AUDIT_CHECKPOINT_KEY")
        // a key too short to be secret is a configuration error naming it
        const short = await cli(["audit", "checkpoint"], { AUDIT_CHECKPOINT_KEY: "secret" })
        expect(short.code).toBe(2)
        expect(short.stderr).toMatch(/AUDIT_CHECKPOINT_KEY.*at least 32 characters/)

        const issued = await cli(["audit", "checkpoint", "--json"])
        expect(issued.code).toBe(0)
        const checkpoint = ndjson(issued.stdout)[0]!
        expect(checkpoint).toMatchObject({
          organizationId: head.organizationId,
          sequence: head.sequence,
          eventId: head.id,
          algorithm: "HMAC-SHA-256"
        })
        expect(checkpoint.signature).toMatch(/^[0-9a-f]{64}$/)
        expect(issued.stdout).not.toContain(KEY)
        // text mode prints the same checkpoint, indented, so either can be saved
        const text = await cli(["audit", "checkpoint"])
        expect(JSON.parse(text.stdout)).toMatchObject({ sequence: head.sequence, eventId: head.id })
        const file = save("checkpoint.json", issued.stdout)

        const before = await cli(["audit", "verify", "--checkpoint", file])
        expect(before.code).toBe(0)
        expect(before.stdout).toContain(`matches the checkpoint at sequence ${head.sequence}`)

        // the newest event is deleted (and the head moved back, as a careful intruder would)
        await tamper("DELETE FROM audit_events WHERE organization_id = $1 AND sequence = $2", [
          head.organizationId,
          head.sequence
        ])
        await tamper("UPDATE audit_heads SET sequence = $1 WHERE organization_id = $2", [
          head.sequence - 1,
          head.organizationId
        ])
        // the chain alone cannot tell
        const alone = await cli(["audit", "verify", "--json"])
        expect(ndjson(alone.stdout)[0]).toMatchObject({ valid: true, length: head.sequence - 1 })
        // the checkpoint can
        const truncated = await cli(["audit", "verify", "--checkpoint", file, "--json"])
        expect(truncated.code).toBe(1)
        expect(ndjson(truncated.stdout)[0]).toMatchObject({
          valid: false,
          kind: "truncated",
          sequence: head.sequence,
          eventId: head.id
        })
        expect(truncated.stderr).toContain(`truncated at sequence ${head.sequence} (event ${head.id})`)
        const truncatedText = await cli(["audit", "verify", "--checkpoint", file])
        expect(truncatedText.stdout).toContain(`TRUNCATED at sequence ${head.sequence} (event ${head.id})`)

        // a checkpoint edited to vouch for less is rejected by its signature
        const edited = save("edited.json", JSON.stringify({ ...checkpoint, sequence: head.sequence - 1 }))
        const rejected = await cli(["audit", "verify", "--checkpoint", edited])
        expect(rejected.code).toBe(1)
        expect(rejected.stderr).toContain("invalid audit checkpoint: its signature does not match")
        // so is one checked under another key
        const otherKey = await cli(["audit", "verify", "--checkpoint", file], { AUDIT_CHECKPOINT_KEY: "k".repeat(40) })
        expect(otherKey.code).toBe(1)
        expect(otherKey.stderr).toContain("signature does not match")
        // and a file that is not a checkpoint names the file and the field
        const garbage = save("garbage.json", JSON.stringify({ ...checkpoint, sequence: "many" }))
        const notCheckpoint = await cli(["audit", "verify", "--checkpoint", garbage])
        expect(notCheckpoint.code).toBe(1)
        expect(notCheckpoint.stderr).toMatch(/is not an audit checkpoint: sequence/)

        // an event in the middle is edited: reported by its sequence and id
        const middle = chain[1]!
        await tamper("UPDATE audit_events SET details = $1::jsonb WHERE organization_id = $2 AND sequence = $3", [
          JSON.stringify({ edited: true }),
          middle.organizationId,
          middle.sequence
        ])
        const broken = await cli(["audit", "verify", "--json"])
        expect(broken.code).toBe(1)
        expect(ndjson(broken.stdout)[0]).toMatchObject({
          valid: false,
          kind: "link",
          sequence: middle.sequence,
          eventId: middle.id,
          brokenAt: middle.sequence - 1
        })
        const brokenText = await cli(["audit", "verify"])
        expect(brokenText.stdout).toContain(`BROKEN at sequence ${middle.sequence} (event ${middle.id})`)
        expect(brokenText.stderr).toContain(`broken at sequence ${middle.sequence} (event ${middle.id})`)
        // a checkpoint is never issued over a broken chain
        const refused = await cli(["audit", "checkpoint"])
        expect(refused.code).toBe(1)
        expect(refused.stderr).toContain(`broken at sequence ${middle.sequence}`)
      },
      SLOW
    )
  })
}
