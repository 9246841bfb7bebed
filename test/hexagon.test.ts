import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"

/** The domain may import effect and these small pure libraries, nothing else. */
const allowed = ["effect", "tldts", "libphonenumber-js", "mailchecker", "@noble/hashes"]

const root = new URL("../packages/domain/src", import.meta.url).pathname

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : []
  })

/** Every module specifier in imports, re-exports, dynamic imports and require calls, as TypeScript sees them. */
const specifiers = (source: string): Array<string> =>
  ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName)

const packageOf = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!

describe("hexagon: packages/domain/src", () => {
  it("finds imports of every form (the checker itself works)", () => {
    expect(
      specifiers(
        `import { a } from "pg"\nexport * from "node:fs"\nimport "x/y"\nconst m = await import("@effect/sql")\nconst s = "from 'q'"`
      )
    ).toEqual(["pg", "node:fs", "x/y", "@effect/sql"])
  })

  it("imports only effect and the allowed pure libraries", () => {
    const files = sourceFiles(root)
    expect(files.length).toBeGreaterThan(10)
    const violations = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((s) => !s.startsWith("."))
        .filter((s) => !allowed.includes(packageOf(s)))
        .map((s) => `${relative(root, file)} imports ${s}`)
    )
    expect(violations).toEqual([])
  })

  it("never reaches outside its own source tree with relative imports", () => {
    const escapes = sourceFiles(root).flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((s) => s.startsWith("."))
        .filter((s) => relative(root, join(file, "..", s)).startsWith(".."))
        .map((s) => `${relative(root, file)} imports ${s}`)
    )
    expect(escapes).toEqual([])
  })
})
