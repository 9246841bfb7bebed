import * as fs from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildCli, expectFailure, freshPostgres, ndjson, runCli, tempDir } from "./support.js"

const PASSWORD = "a long and unlisted pass phrase\n"

const databases: Array<{
  readonly name: string
  readonly env: () => Promise<{ env: Record<string, string>; drop: () => Promise<void> }>
}> = [
  {
    name: "PGlite",
    env: async () => {
      const dir = tempDir("leadforge-cli-users-")
      return { env: { LEADFORGE_DATA_DIR: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) }
    }
  },
  ...(process.env.DATABASE_URL
    ? [
        {
          name: "PostgreSQL",
          env: async () => {
            const db = await freshPostgres(process.env.DATABASE_URL!)
            return { env: { DATABASE_URL: db.url }, drop: db.drop }
          }
        }
      ]
    : [])
]

for (const database of databases) {
  describe(`leadforge users and orgs on ${database.name}`, () => {
    let env: Record<string, string> = {}
    let drop = async () => {}
    beforeAll(async () => {
      await buildCli()
      ;({ env, drop } = await database.env())
    }, 300_000)
    afterAll(() => drop())

    it("orgs create prints an invitation for the first admin; users create|invite|list|set-role|reset-password|unlock|remove", async () => {
      const created = await runCli(["orgs", "create", "Acme Sales", "--json"], env)
      expect(created.code, created.stderr).toBe(0)
      const [org] = ndjson(created.stdout)
      expect(org!.adminInvitation).toMatch(/^lfi_/)
      const listed = ndjson((await runCli(["orgs", "list", "--json"], env)).stdout)
      expect(listed.map((o) => o.name)).toEqual(["Acme Sales"])
      const orgArg = ["--org", String(org!.id)]

      const ada = await runCli(
        ["users", "create", "ada@example.com", "--name", "Ada", "--role", "admin", ...orgArg, "--json"],
        env,
        {
          input: PASSWORD
        }
      )
      expect(ada.code, ada.stderr).toBe(0)
      expect(ndjson(ada.stdout)[0]).toMatchObject({ email: "ada@example.com", role: "admin" })
      expect(ada.stdout).not.toContain("pass phrase")

      const weak = await runCli(["users", "create", "weak@example.com", "--name", "W", ...orgArg], env, {
        input: "password1234\n"
      })
      expectFailure(weak, /password/)
      const taken = await runCli(["users", "create", "ADA@example.com", "--name", "A", ...orgArg], env, {
        input: PASSWORD
      })
      expectFailure(taken, /already exists/)

      const invited = await runCli(
        [
          "users",
          "invite",
          "bob@example.com",
          "--role",
          "viewer",
          ...orgArg,
          "--json",
          "--base-url",
          "https://leads.example.com"
        ],
        env
      )
      expect(invited.code, invited.stderr).toBe(0)
      const invitation = ndjson(invited.stdout)[0]!
      expect(invitation.link).toBe(`https://leads.example.com/invitation#${invitation.token}`)

      const members = ndjson((await runCli(["users", "list", ...orgArg, "--json"], env)).stdout)
      expect(members.map((m) => [m.email, m.role])).toEqual([["ada@example.com", "admin"]])

      expectFailure(
        await runCli(["users", "set-role", "ada@example.com", "member", ...orgArg], env),
        /at least one admin/
      )
      expectFailure(await runCli(["users", "remove", "ada@example.com", ...orgArg], env), /at least one admin/)
      expectFailure(await runCli(["users", "unlock", "nobody@example.com", ...orgArg], env), /no member/)

      const reset = await runCli(["users", "reset-password", "ada@example.com", ...orgArg, "--json"], env)
      expect(reset.code, reset.stderr).toBe(0)
      expect(ndjson(reset.stdout)[0]!.link).toMatch(/^http:\/\/localhost:3000\/reset-password#lfp_/)
      expect((await runCli(["users", "unlock", "ada@example.com", ...orgArg], env)).code).toBe(0)

      const grace = await runCli(
        ["users", "create", "grace@example.com", "--name", "Grace", "--role", "admin", ...orgArg],
        env,
        {
          input: PASSWORD
        }
      )
      expect(grace.code, grace.stderr).toBe(0)
      expect((await runCli(["users", "set-role", "ada@example.com", "member", ...orgArg], env)).code).toBe(0)
      expect((await runCli(["users", "remove", "ada@example.com", ...orgArg], env)).code).toBe(0)
      const after = ndjson((await runCli(["users", "list", ...orgArg, "--json"], env)).stdout)
      expect(after.map((m) => [m.email, m.role])).toEqual([["grace@example.com", "admin"]])
    }, 300_000)
  })
}
