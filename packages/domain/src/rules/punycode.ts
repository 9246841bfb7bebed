/**
 * RFC 3492 Punycode encoding of host labels. Hand-written because the domain may not import
 * `node:punycode`/`node:url`, and tldts matches labels without converting them.
 */
const BASE = 36
const T_MIN = 1
const T_MAX = 26
const SKEW = 38
const DAMP = 700
const INITIAL_BIAS = 72
const INITIAL_N = 128

const adapt = (delta: number, numPoints: number, firstTime: boolean): number => {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1
  d += Math.floor(d / numPoints)
  let k = 0
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN))
    k += BASE
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW))
}

const digit = (d: number): string => String.fromCharCode(d < 26 ? d + 97 : d + 22)

/** Punycode of one label (without the `xn--` prefix). */
export const punycodeEncode = (input: string): string => {
  const codePoints: Array<number> = []
  for (const ch of input) codePoints.push(ch.codePointAt(0) ?? 0)
  let output = ""
  for (const cp of codePoints) if (cp < 0x80) output += String.fromCharCode(cp)
  const basicLength = output.length
  let handled = basicLength
  if (basicLength > 0) output += "-"
  let n = INITIAL_N
  let delta = 0
  let bias = INITIAL_BIAS
  while (handled < codePoints.length) {
    let m = Number.MAX_SAFE_INTEGER
    for (const cp of codePoints) if (cp >= n && cp < m) m = cp
    delta += (m - n) * (handled + 1)
    n = m
    for (const cp of codePoints) {
      if (cp < n) delta++
      if (cp === n) {
        let q = delta
        for (let k = BASE; ; k += BASE) {
          const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias
          if (q < t) break
          output += digit(t + ((q - t) % (BASE - t)))
          q = Math.floor((q - t) / (BASE - t))
        }
        output += digit(q)
        bias = adapt(delta, handled + 1, handled === basicLength)
        delta = 0
        handled++
      }
    }
    delta++
    n++
  }
  return output
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/** A host label in ASCII: non-ASCII labels become `xn--…`, ASCII labels are returned as they are. */
export const toAsciiLabel = (label: string): string => (!isAscii(label) ? `xn--${punycodeEncode(label)}` : label)

/** Every label of a (lower-cased, NFC) host in ASCII. */
export const toAsciiHost = (host: string): string => {
  if (isAscii(host)) return host
  return host.split(".").map(toAsciiLabel).join(".")
}
