import { createRequire } from "node:module"
import { Actor, newId, type OrganizationId, VectorIndexSpec } from "@leadforge/domain"

/** Whether testcontainers reaches a Docker daemon (fails in about a millisecond when there is none). */
export const dockerAvailable = async (): Promise<boolean> => {
  try {
    const require = createRequire(new URL("../../packages/adapters/package.json", import.meta.url))
    const { getContainerRuntimeClient } = (await import(require.resolve("testcontainers"))) as {
      getContainerRuntimeClient: () => Promise<unknown>
    }
    await getContainerRuntimeClient()
    return true
  } catch {
    return false
  }
}

export const freshContext = () => ({
  organizationId: newId<OrganizationId>(),
  actor: new Actor({ type: "user", id: "alice" })
})

export const spec = (name: string, dimension: number, embedderId: string) =>
  new VectorIndexSpec({ name, dimension, embedderId, distance: "cosine" })
