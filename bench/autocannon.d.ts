/** The part of autocannon 8 (which ships no types) that bench/http.ts uses. */
declare module "autocannon" {
  interface Options {
    readonly url: string
    readonly connections?: number
    readonly duration?: number
    readonly headers?: Record<string, string>
  }
  interface Result {
    readonly non2xx: number
    readonly requests: { readonly average: number }
    readonly latency: { readonly p50: number; readonly p99: number }
  }
  export default function autocannon(options: Options, callback: (error: unknown, result: Result) => void): unknown
}
