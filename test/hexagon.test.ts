import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"

/**
 * The layer rules of ARCHITECTURE.md, read from the sources' imports: each rule fails the build when broken.
 * docs/architecture.md lists them for people.
 */
const packages = new URL("../packages", import.meta.url).pathname
const src = (name: string) => join(packages, name, "src")

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(path) ? [path] : []
  })

/** Every module specifier in imports, re-exports, dynamic imports and require calls, as TypeScript sees them. */
const specifiers = (source: string): Array<string> =>
  ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName)

const packageOf = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!

interface Import {
  readonly file: string
  readonly specifier: string
}

/** The non-relative imports of every source file under `dir`. */
const importsUnder = (dir: string): Array<Import> =>
  sourceFiles(dir).flatMap((file) =>
    specifiers(readFileSync(file, "utf8"))
      .filter((specifier) => !specifier.startsWith("."))
      .map((specifier) => ({ file: relative(packages, file), specifier }))
  )

const describeAll = (imports: ReadonlyArray<Import>) => imports.map((i) => `${i.file} imports ${i.specifier}`)

const isNodeBuiltin = (specifier: string) => specifier.startsWith("node:")

describe("hexagon: the checker itself", () => {
  it("finds imports of every form", () => {
    expect(
      specifiers(
        `import { a } from "pg"\nexport * from "node:fs"\nimport "x/y"\nconst m = await import("@effect/sql")\nconst s = "from 'q'"`
      )
    ).toEqual(["pg", "node:fs", "x/y", "@effect/sql"])
  })

  it("reads every package's sources", () => {
    for (const name of ["domain", "adapters", "http", "cli"]) expect(sourceFiles(src(name)).length).toBeGreaterThan(5)
  })
})

describe("hexagon: packages/domain is pure", () => {
  /** The domain may import effect and these small pure libraries, nothing else (nothing of ours either). */
  const allowed = ["effect", "tldts", "libphonenumber-js", "mailchecker", "@noble/hashes", "@zxcvbn-ts/language-common"]

  it("imports only effect and the allowed pure libraries", () => {
    const violations = importsUnder(src("domain")).filter((i) => !allowed.includes(packageOf(i.specifier)))
    expect(describeAll(violations)).toEqual([])
  })

  it("never reaches outside its own source tree with relative imports", () => {
    const root = src("domain")
    const escapes = sourceFiles(root).flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((s) => s.startsWith("."))
        .filter((s) => relative(root, join(file, "..", s)).startsWith(".."))
        .map((s) => `${relative(root, file)} imports ${s}`)
    )
    expect(escapes).toEqual([])
  })
})

describe("hexagon: packages/http is the contract, the client and the handlers, on the domain's ports", () => {
  const allowed = ["effect", "@effect/platform", "@leadforge/domain"]

  it("imports only effect, @effect/platform, the domain and Node's built-ins", () => {
    const violations = importsUnder(src("http")).filter(
      (i) => !allowed.includes(packageOf(i.specifier)) && !isNodeBuiltin(i.specifier)
    )
    expect(describeAll(violations)).toEqual([])
  })

  it("reads no setting: whoever assembles the server passes its options", () => {
    const readers = sourceFiles(src("http"))
      .filter((file) => /\bConfig\.\w+\(/.test(readFileSync(file, "utf8")))
      .map((file) => relative(packages, file))
    expect(readers).toEqual([])
  })

  it("declares only the domain as a dependency, and effect and @effect/platform as peers", () => {
    const manifest = JSON.parse(readFileSync(join(packages, "http/package.json"), "utf8"))
    expect(manifest.private).not.toBe(true)
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["@leadforge/domain"])
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(["@effect/platform", "effect"])
  })
})

describe("hexagon: packages/cli takes its layers from the composition root", () => {
  /** What the CLI may take from the adapters: the composition root and the worker it runs. */
  const adapterEntries = ["@leadforge/adapters/runtime", "@leadforge/adapters/worker"]

  it("never imports @effect/sql", () => {
    const violations = importsUnder(src("cli")).filter((i) => packageOf(i.specifier) === "@effect/sql")
    expect(describeAll(violations)).toEqual([])
  })

  it("imports no adapter internals outside the composition root", () => {
    const violations = importsUnder(src("cli")).filter(
      (i) => packageOf(i.specifier) === "@leadforge/adapters" && !adapterEntries.includes(i.specifier)
    )
    expect(describeAll(violations)).toEqual([])
  })

  it("its import code writes through the domain's ports only (nothing of the adapters)", () => {
    const violations = importsUnder(join(src("cli"), "import")).filter((i) =>
      ["@leadforge/adapters", "@effect/sql", "@effect/sql-pg", "pg", "@electric-sql/pglite"].includes(
        packageOf(i.specifier)
      )
    )
    expect(describeAll(violations)).toEqual([])
  })
})

describe("hexagon: packages/adapters sit below the edges", () => {
  it("import neither the http package nor the cli", () => {
    const violations = importsUnder(src("adapters")).filter((i) =>
      ["@leadforge/http", "@leadforge/cli"].includes(packageOf(i.specifier))
    )
    expect(describeAll(violations)).toEqual([])
  })
})

describe("hexagon: only the composition root chooses backends", () => {
  /** The settings whose presence picks a backend (ARCHITECTURE.md "Embedded default"). */
  const choosing = ["DATABASE_URL", "LEADFORGE_DATA_DIR", "QDRANT_URL", "GROQ_API_KEY", "REDIS_URL", "EMBEDDINGS_URL"]
  const reads = (dir: string) =>
    sourceFiles(dir).flatMap((file) => {
      const text = readFileSync(file, "utf8")
      return choosing
        .filter((name) => new RegExp(`(?:Config\\.\\w+|optional\\w*|process\\.env)\\W+${name}\\b`).test(text))
        .map((name) => `${relative(packages, file)} reads ${name}`)
    })

  it("the checker finds a read", () => {
    expect(reads(join(src("adapters"), "runtime")).length).toBeGreaterThan(0)
  })

  it("no code outside packages/adapters reads a backend-choosing setting", () => {
    expect([...reads(src("domain")), ...reads(src("http")), ...reads(src("cli"))]).toEqual([])
  })

  it("nothing but the CLI's entry reads process.env", () => {
    const readers = ["domain", "adapters", "http", "cli"].flatMap((name) =>
      sourceFiles(src(name))
        .filter((file) => /process\.env/.test(readFileSync(file, "utf8")))
        .map((file) => relative(packages, file))
    )
    expect(readers.sort()).toEqual(["cli/src/bin.ts", "cli/src/main.ts"])
  })
})
