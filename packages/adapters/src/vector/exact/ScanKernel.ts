/**
 * The block scan's inner loop as WebAssembly SIMD: four single-precision multiply-adds per instruction, where
 * JavaScript does one, and four query components per pass over a block's scores. Portable (it runs wherever V8
 * or another WebAssembly engine with SIMD runs; no native addon). Each instance owns one linear memory, holding a
 * VectorSlab's full blocks and a scratch area.
 *
 * The module, in the text format (encoded by hand below; `WebAssembly.validate` and the tests check it), with
 * $u for 0 to 3:
 *
 *   (module
 *     (memory (export "memory") 1)
 *     ;; for every four rows: scores[..] += Σ_j splat(weights[j]) · block[columns[j] ..], j < n (a multiple of 4)
 *     (func (export "accumulate") (param $block i32) (param $columns i32) (param $weights i32) (param $n i32)
 *                                 (param $scores i32) (param $rowBytes i32)
 *       (local $j i32) (local $at i32) (local $end i32) (local $column0..3 i32) (local $w0..3 v128)
 *       (local.set $end (i32.add (local.get $scores) (local.get $rowBytes)))
 *       (block $done (loop $next
 *         (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
 *         (local.set $w$u (f32x4.splat (f32.load offset=4·$u
 *           (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))))))
 *         (local.set $column$u (i32.add (local.get $block) (i32.load offset=4·$u
 *           (i32.add (local.get $columns) (i32.shl (local.get $j) (i32.const 2))))))
 *         (local.set $at (local.get $scores))
 *         (loop $rows
 *           ;; ((scores + w0·c0) + w1·c1) + …: summed in the order of the components, one at a time
 *           (v128.store (local.get $at) (f32x4.add … (f32x4.add (v128.load (local.get $at))
 *             (f32x4.mul (local.get $w0) (v128.load (local.get $column0)))) …))
 *           (local.set $column$u (i32.add (local.get $column$u) (i32.const 16)))
 *           (br_if $rows (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $end))))
 *         (local.set $j (i32.add (local.get $j) (i32.const 4)))
 *         (br $next)))))
 */

/** Query components per pass: callers pad their columns to a multiple of it, with zero weights. */
export const UNROLL = 4

const leb = (value: number): Array<number> => {
  const out: Array<number> = []
  let n = value
  do {
    let byte = n & 0x7f
    n >>>= 7
    if (n !== 0) byte |= 0x80
    out.push(byte)
  } while (n !== 0)
  return out
}
const section = (id: number, bytes: Array<number>) => [id, ...leb(bytes.length), ...bytes]
const vector = (items: Array<Array<number>>) => [...leb(items.length), ...items.flat()]
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]

const I32 = 0x7f
const V128 = 0x7b
const get = (local: number) => [0x20, local]
const set = (local: number) => [0x21, local]
const tee = (local: number) => [0x22, local]
const i32Const = (n: number) => [0x41, ...leb(n)]
const I32_ADD = 0x6a
const I32_SHL = 0x74
const I32_GE_U = 0x4f
const I32_LT_U = 0x49
const BLOCK = 0x02
const LOOP = 0x03
const BR = 0x0c
const BR_IF = 0x0d
const END = 0x0b
const VOID = 0x40
const I32_LOAD = (offset: number) => [0x28, 2, ...leb(offset)]
const F32_LOAD = (offset: number) => [0x2a, 2, ...leb(offset)]
const V128_LOAD = [0xfd, 0x00, 4, 0]
const V128_STORE = [0xfd, 0x0b, 4, 0]
const F32X4_SPLAT = [0xfd, 0x13]
const F32X4_ADD = [0xfd, ...leb(228)]
const F32X4_MUL = [0xfd, ...leb(230)]

// params: 0 block, 1 columns, 2 weights, 3 n, 4 scores, 5 rowBytes; locals: 6 j, 7 at, 8 end, then the
// columns (i32) and the weights (v128)
const lanes = Array.from({ length: UNROLL }, (_, u) => u)
const column = (u: number) => 9 + u
const weight = (u: number) => 9 + UNROLL + u
const body = [
  ...[...get(4), ...get(5), I32_ADD, ...set(8)],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[...get(6), ...get(3), I32_GE_U, BR_IF, 1],
  ...lanes.flatMap((u) => [
    ...[...get(2), ...get(6), ...i32Const(2), I32_SHL, I32_ADD, ...F32_LOAD(4 * u), ...F32X4_SPLAT, ...set(weight(u))],
    ...[...get(0), ...get(1), ...get(6), ...i32Const(2), I32_SHL, I32_ADD, ...I32_LOAD(4 * u), I32_ADD],
    ...set(column(u))
  ]),
  ...[...get(4), ...set(7)],
  ...[LOOP, VOID],
  ...[...get(7), ...get(7), ...V128_LOAD],
  ...lanes.flatMap((u) => [...get(weight(u)), ...get(column(u)), ...V128_LOAD, ...F32X4_MUL, ...F32X4_ADD]),
  ...V128_STORE,
  ...lanes.flatMap((u) => [...get(column(u)), ...i32Const(16), I32_ADD, ...set(column(u))]),
  ...[...get(7), ...i32Const(16), I32_ADD, ...tee(7), ...get(8), I32_LT_U, BR_IF, 0],
  END,
  ...[...get(6), ...i32Const(UNROLL), I32_ADD, ...set(6), BR, 0],
  ...[END, END, END]
]
const code = [
  ...vector([
    [3 + UNROLL, I32],
    [UNROLL, V128]
  ]),
  ...body
]

// sections: 1 the function's type (six i32 parameters, no result), 3 the function, 5 the memory (one page to start),
// 7 the exports, 10 the code
const bytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, vector([[0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [I32]]), 0]])),
  ...section(3, vector([[0]])),
  ...section(5, vector([[0x00, 1]])),
  ...section(
    7,
    vector([
      [...name("memory"), 0x02, 0],
      [...name("accumulate"), 0x00, 0]
    ])
  ),
  ...section(10, vector([[...leb(code.length), ...code]]))
])

/** The little of the WebAssembly JavaScript API used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  readonly validate: (bytes: Uint8Array) => boolean
  readonly Module: new (bytes: Uint8Array) => object
  readonly Instance: new (module: object) => { readonly exports: unknown }
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  /** Adds pages of 64 KiB; detaches `buffer` (views over it must be made again). Throws RangeError past 4 GiB. */
  readonly grow: (pages: number) => number
}

const wasm = (globalThis as { readonly WebAssembly?: WasmApi }).WebAssembly
let compiled: object | null | undefined

/** The compiled module, or null where the engine has no WebAssembly SIMD (the scan then stays in JavaScript). */
const module = (): object | null => {
  if (compiled === undefined) compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null
  return compiled
}

export interface ScanKernel {
  readonly memory: WasmMemory
  /**
   * scores[i] += Σ_j weights[j] · column_j[i] over `rowBytes / 4` rows (a multiple of four), in single precision
   * and in the order of j, where column j starts at `block + columns[j]` and j < n, a multiple of UNROLL; all
   * other arguments are byte offsets into `memory`.
   */
  readonly accumulate: (
    block: number,
    columns: number,
    weights: number,
    n: number,
    scores: number,
    rowBytes: number
  ) => void
}

/** A kernel with its own memory, or undefined without WebAssembly SIMD. */
export const makeScanKernel = (): ScanKernel | undefined => {
  const compiledModule = module()
  if (compiledModule === null || wasm === undefined) return undefined
  const exports = new wasm.Instance(compiledModule).exports as ScanKernel
  return { memory: exports.memory, accumulate: exports.accumulate }
}
