import pg from "pg"

/** One session of the server's pools (application_name `leadforge`) as pg_stat_activity shows it. */
export interface Session {
  readonly state: string | null
  readonly waitEventType: string | null
}

/** Leadforge's sessions on the database at `url`, from a connection of the test's own. */
export const leadforgeSessions = async (url: string): Promise<ReadonlyArray<Session>> => {
  const client = new pg.Client({ connectionString: url, application_name: "leadforge-test" })
  await client.connect()
  try {
    const { rows } = await client.query<{ state: string | null; wait_event_type: string | null }>(
      `SELECT state, wait_event_type FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'leadforge'`
    )
    return rows.map((row) => ({ state: row.state, waitEventType: row.wait_event_type }))
  } finally {
    await client.end()
  }
}

/**
 * Locks an organization's audit-chain row (`audit_heads … FOR UPDATE`, as every audited write does) from a
 * connection of the test's own, until `release` commits: the organization's writes queue behind it.
 */
export const lockAuditHead = async (url: string, organizationId: string) => {
  const client = new pg.Client({ connectionString: url, application_name: "leadforge-test" })
  await client.connect()
  await client.query("BEGIN")
  await client.query("SELECT sequence FROM audit_heads WHERE organization_id = $1 FOR UPDATE", [organizationId])
  return {
    release: async () => {
      await client.query("COMMIT")
      await client.end()
    }
  }
}
