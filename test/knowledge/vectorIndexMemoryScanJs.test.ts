import { afterAll, expect, it } from "vitest"

/**
 * The block scan's properties again, with no WebAssembly: the scan then stays in JavaScript, as it does on engines
 * without WebAssembly SIMD and for an organization's blocks past the kernel memory's 4 GiB. The engine's object is
 * hidden before the index's modules load (the kernel looks for it once, when its module is evaluated; this file
 * runs in a process of its own) and given back afterwards.
 */
const global = globalThis as { WebAssembly?: unknown }
const engine = global.WebAssembly
Reflect.deleteProperty(global, "WebAssembly")
afterAll(() => {
  global.WebAssembly = engine
})

const { makeScanKernel } = await import("../../packages/adapters/src/vector/exact/ScanKernel.js")
await import("./vectorIndexMemoryScan.test.js")

it("runs without the WebAssembly kernel", () => {
  expect(makeScanKernel()).toBeUndefined()
})
