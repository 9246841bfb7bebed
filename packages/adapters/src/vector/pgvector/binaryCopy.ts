import type { VectorPoint } from "@leadforge/domain"

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00] // "PGCOPY\n\377\r\n\0"
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const utf8 = new TextEncoder()

/**
 * Points as one `COPY … (FORMAT binary)` payload for the columns (organization_id uuid, id text, kind text,
 * document_id text, lead_id text, embedding vector): vectors travel as pgvector's binary form (int16 dimension,
 * int16 unused, float4 big-endian each), so the server parses no decimal text at all — on PGlite that parsing,
 * not the storage, is what limits a text load.
 */
export const binaryCopyPayload = (points: ReadonlyArray<VectorPoint>, dimension: number): Uint8Array => {
  const texts = points.map((p) => [
    utf8.encode(p.id),
    utf8.encode(p.payload.kind),
    p.payload.documentId === undefined ? null : utf8.encode(p.payload.documentId),
    p.payload.leadId === undefined ? null : utf8.encode(p.payload.leadId)
  ])
  let size = SIGNATURE.length + 8 + 2
  for (const fields of texts) {
    size += 2 + (4 + 16) + (4 + 4 + dimension * 4)
    for (const f of fields) size += 4 + (f?.length ?? 0)
  }
  const bytes = new Uint8Array(size)
  const view = new DataView(bytes.buffer)
  bytes.set(SIGNATURE, 0)
  let at = SIGNATURE.length + 8 // flags and header extension length: both zero
  for (let row = 0; row < points.length; row++) {
    const p = points[row]!
    view.setInt16(at, 6)
    at += 2
    if (!UUID.test(p.organizationId)) throw new Error(`organization id ${p.organizationId} is not a UUID`)
    view.setInt32(at, 16)
    at += 4
    const hex = p.organizationId.replaceAll("-", "")
    for (let i = 0; i < 16; i++) bytes[at++] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
    for (const field of texts[row]!) {
      if (field === null) {
        view.setInt32(at, -1)
        at += 4
      } else {
        view.setInt32(at, field.length)
        bytes.set(field, at + 4)
        at += 4 + field.length
      }
    }
    view.setInt32(at, 4 + dimension * 4)
    view.setInt16(at + 4, dimension)
    view.setInt16(at + 6, 0)
    at += 8
    const v = p.vector
    for (let i = 0; i < dimension; i++, at += 4) view.setFloat32(at, v[i]!)
  }
  view.setInt16(at, -1)
  return bytes
}
