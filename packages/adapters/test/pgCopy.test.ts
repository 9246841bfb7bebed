import { describe, expect, it } from "@effect/vitest"
import { PgCopy, PgPool } from "@leadforge/adapters/postgres"
import { Effect } from "effect"
import { postgresClient, resolvePostgres } from "./support/databases.js"

const postgres = await resolvePostgres()

describe("COPY text encoding", () => {
  it("writes null as \\N, escapes the four special characters, and leaves everything else as is", () => {
    expect(PgCopy.copyText(null)).toBe("\\N")
    expect(PgCopy.copyText(undefined)).toBe("\\N")
    expect(PgCopy.copyText("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e")
    expect(PgCopy.copyText("\\N")).toBe("\\\\N")
    expect(PgCopy.copyText("Zürich 東京 ☃")).toBe("Zürich 東京 ☃")
    expect(PgCopy.copyText(42)).toBe("42")
    expect(PgCopy.copyText(new Date("2026-01-02T03:04:05.678Z"))).toBe("2026-01-02T03:04:05.678Z")
    expect(PgCopy.copyText({ a: "x\ty" })).toBe('{"a":"x\\\\ty"}')
    expect(
      [
        ...PgCopy.copyChunks([
          ["a", null],
          ["b\n", 1]
        ])
      ].join("")
    ).toBe("a\t\\N\nb\\n\t1\n")
  })

  it("cuts a payload into pieces of whole rows, about the size asked, that join into the whole", () => {
    const rows = Array.from({ length: 500 }, (_, n) => [n, `row ${n}\twith a tab`, n % 3 === 0 ? null : { n }])
    const pieces = [...PgCopy.copyChunks(rows, 1_000)]
    expect(pieces.length).toBeGreaterThan(10)
    expect(pieces.join("")).toBe(rows.map((row) => `${row.map(PgCopy.copyText).join("\t")}\n`).join(""))
    for (const piece of pieces) {
      expect(piece.endsWith("\n")).toBe(true)
      // a piece closes at the first row that takes it to the size
      expect(piece.length - piece.slice(0, -1).lastIndexOf("\n") - 1).toBeLessThan(1_000)
    }
    expect(pieces.slice(0, -1).every((piece) => piece.length >= 1_000)).toBe(true)
    expect([...PgCopy.copyChunks([])]).toEqual([])
  })
})

const awkward = [
  "plain",
  "tab\there",
  "new\nline",
  "carriage\rreturn",
  "back\\slash",
  "\\N",
  "",
  "quote ' and \" and ,",
  "Zürich 東京 ☃ 🚀",
  "trailing backslash \\"
]

describe.skipIf(postgres.kind === "none")("COPY through the pool (PostgreSQL)", () => {
  it.layer(postgresClient(postgres), { timeout: 60_000 })((it) => {
    it.effect("round-trips awkward text, nulls and jsonb exactly, in one transaction", () =>
      Effect.gen(function* () {
        const pool = yield* PgPool
        yield* PgCopy.withTransaction(pool, (query) => query("CREATE TABLE copy_check (n integer, t text, j jsonb)"))
        yield* PgCopy.withTransaction(pool, (_query, client) =>
          Effect.promise(() =>
            PgCopy.copyRows(client, "COPY copy_check (n, t, j) FROM STDIN", [
              ...awkward.map((t, n) => [n, t, { t }]),
              [awkward.length, null, null]
            ])
          )
        )
        const rows = yield* PgCopy.withTransaction(pool, (query) =>
          query<{ n: number; t: string | null; j: { t: string } | null }>("SELECT n, t, j FROM copy_check ORDER BY n")
        )
        expect(rows.map((r) => r.t)).toEqual([...awkward, null])
        expect(rows.map((r) => r.j?.t ?? null)).toEqual([...awkward, null])
      })
    )

    it.effect("streams a payload of many pieces in order, every row once", () =>
      Effect.gen(function* () {
        const pool = yield* PgPool
        const rows = Array.from({ length: 20_000 }, (_, n) => [n, `${awkward[n % awkward.length]} ${n}`])
        yield* PgCopy.withTransaction(pool, (query) => query("CREATE TABLE copy_many (n integer PRIMARY KEY, t text)"))
        yield* PgCopy.withTransaction(pool, (_query, client) =>
          Effect.promise(() => PgCopy.copyRows(client, "COPY copy_many (n, t) FROM STDIN", rows))
        )
        expect([...PgCopy.copyChunks(rows)].length).toBeGreaterThan(5)
        const stored = yield* PgCopy.withTransaction(pool, (query) =>
          query<{ n: number; t: string }>("SELECT n, t FROM copy_many ORDER BY n")
        )
        expect(stored.map((r) => [r.n, r.t])).toEqual(rows)
      })
    )

    it.effect("rolls back everything the transaction did when a statement fails, and keeps the pool usable", () =>
      Effect.gen(function* () {
        const pool = yield* PgPool
        yield* PgCopy.withTransaction(pool, (query) => query("CREATE TABLE rollback_check (n integer PRIMARY KEY)"))
        const failed = yield* PgCopy.withTransaction(pool, (query, client) =>
          Effect.gen(function* () {
            yield* Effect.promise(() => PgCopy.copyRows(client, "COPY rollback_check (n) FROM STDIN", [[1], [2]]))
            yield* query("INSERT INTO rollback_check VALUES (1)")
          })
        ).pipe(Effect.flip)
        expect(failed._tag).toBe("SqlError")
        const count = yield* PgCopy.withTransaction(pool, (query) =>
          query<{ n: string }>("SELECT count(*) AS n FROM rollback_check")
        )
        expect(count[0]!.n).toBe("0")
      })
    )
  })
})
