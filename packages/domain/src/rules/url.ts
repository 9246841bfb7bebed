/**
 * The WHATWG URL parser every JavaScript runtime has (Node, Deno, Bun, browsers, workers). The domain compiles
 * without DOM or Node types, so it names the few members it uses instead of a global declaration that would clash
 * with theirs.
 */
export interface ParsedUrl {
  readonly protocol: string
  readonly host: string
  readonly hostname: string
  readonly pathname: string
  hash: string
  readonly href: string
}

const UrlConstructor = (globalThis as unknown as { URL: new (input: string, base?: string) => ParsedUrl }).URL

/** The parsed URL, or null when it is not a valid absolute URL (or relative to `base`). */
export const parseUrl = (input: string, base?: string): ParsedUrl | null => {
  try {
    return base === undefined ? new UrlConstructor(input) : new UrlConstructor(input, base)
  } catch {
    return null
  }
}
