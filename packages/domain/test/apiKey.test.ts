import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { API_KEY_PATTERN, apiKeyPrefix, generateApiKey, hashApiKey } from "../src/index.js"

describe("API key rule", () => {
  it("generates lf_ and 43 base64url characters, a fresh key each time", () => {
    const keys = Array.from({ length: 50 }, generateApiKey)
    for (const key of keys) {
      expect(key).toMatch(/^lf_[A-Za-z0-9_-]{43}$/)
      expect(API_KEY_PATTERN.test(key)).toBe(true)
    }
    expect(new Set(keys).size).toBe(keys.length)
  })

  it("encodes the 32 random bytes as Node's base64url does", () => {
    const key = generateApiKey()
    const bytes = Buffer.from(key.slice(3), "base64url")
    expect(bytes.length).toBe(32)
    expect(`lf_${bytes.toString("base64url")}`).toBe(key)
  })

  it("hashes to the same SHA-256 hex as node:crypto", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        expect(hashApiKey(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"))
      })
    )
    const key = generateApiKey()
    expect(hashApiKey(key)).toBe(createHash("sha256").update(key, "utf8").digest("hex"))
  })

  it("rejects what is not a key", () => {
    for (const bad of [
      "",
      "lf_",
      "lf_short",
      "xx_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "lf_aaaa aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    ]) {
      expect(API_KEY_PATTERN.test(bad)).toBe(false)
    }
  })

  it("shows the first ten characters as the prefix", () => {
    expect(apiKeyPrefix("lf_abcdefghijklmnop")).toBe("lf_abcdefg")
  })
})
