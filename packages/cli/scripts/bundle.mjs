/**
 * Bundles the compiled CLI (dist/main.js, which loads dist/bin.js, from `tsc -b`) into dist/bundle/: the entry `leadforge.js` and the chunks
 * it loads on demand (the HTTP server only for `serve`, the Qdrant client only where Qdrant is configured).
 *
 * Why: unbundled, `leadforge --version` resolves and reads about 1,100 module files (the `effect` barrel alone pulls
 * in fast-check for its Arbitrary module) and takes ≈ 2 s on a 2-core machine; bundled and tree-shaken it reads a
 * handful (`pnpm bench cli` measures both in one run, BENCHMARKS.md records it).
 *
 * Left outside the bundle: PGlite, which loads its WebAssembly and data files relative to its own module,
 * @node-rs/argon2, which loads the native addon of the platform it is installed on, and pg-native, which pg only
 * asks for when `pg.native` is used (never here).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { build } from "esbuild"

const cli = path.resolve(import.meta.dirname, "..")
const outdir = path.join(cli, "dist/bundle")

fs.rmSync(outdir, { recursive: true, force: true })
const result = await build({
  absWorkingDir: cli,
  entryPoints: { leadforge: "dist/main.js" },
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@electric-sql/pglite", "@node-rs/argon2", "pg-native"],
  // CommonJS dependencies call require() for Node's built-in modules; in an ES module it has to be made
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);'
  },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning"
})

const entry = path.join(outdir, "leadforge.js")
fs.chmodSync(entry, 0o755)
const bytes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith(".js"))
  .reduce((sum, [, output]) => sum + output.bytes, 0)
console.log(`leadforge CLI bundled: ${path.relative(process.cwd(), entry)} (${(bytes / 1e6).toFixed(1)} MB in all)`)
