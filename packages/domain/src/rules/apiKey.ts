import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js"

/** `lf_` + 43 base64url characters (32 random bytes): recognisable by secret scanners, unguessable. */
export const API_KEY_PATTERN = /^lf_[A-Za-z0-9_-]{32,}$/

/** How many leading characters of a key are stored in clear, so listings can tell keys apart. */
export const API_KEY_PREFIX_LENGTH = 10

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/** Unpadded base64url (RFC 4648 §5), written out because the domain runs without Node's Buffer or the DOM's btoa. */
const base64url = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6))
    for (let c = 0; c < chars; c++) out += BASE64URL[(chunk >> (18 - 6 * c)) & 63]
  }
  return out
}

/** `prefix` and 32 random bytes as base64url: the form of every bearer secret (keys, session and refresh tokens). */
export const generateSecret = (prefix: string): string => `${prefix}${base64url(randomBytes(32))}`

/** A new secret key; only its hash and prefix are ever stored. */
export const generateApiKey = (): string => generateSecret("lf_")

/** SHA-256 hex of the key: the only form stored. A fast hash suffices for 256-bit random secrets. */
export const hashApiKey = (key: string): string => bytesToHex(sha256(utf8ToBytes(key)))

/** SHA-256 hex of a random secret (session, refresh and one-time tokens), the only form stored. */
export const hashSecret = hashApiKey

/** The part of a key shown in listings and the audit trail. */
export const apiKeyPrefix = (key: string): string => key.slice(0, API_KEY_PREFIX_LENGTH)
