import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const pkg = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@leadforge\/domain$/, replacement: pkg("domain/src/index.ts") },
      { find: /^@leadforge\/adapters\/(.+)$/, replacement: pkg("adapters/src/$1/index.ts") },
      { find: /^@leadforge\/http$/, replacement: pkg("http/src/index.ts") },
      { find: /^@leadforge\/cli$/, replacement: pkg("cli/src/index.ts") }
    ]
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    env: { LOG_LEVEL: "warn" }
  }
})
