import { describe, expect, it } from "@effect/vitest"
import { dictionary } from "@zxcvbn-ts/language-common"
import { FastCheck as fc } from "effect"
import {
  normalizePassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordLength,
  passwordProblems
} from "../src/rules/password.js"

const codes = (password: string, email?: string) =>
  passwordProblems(password, email === undefined ? {} : { email }).map((p) => p.code)

/** Code points of any plane, surrogate pairs included (fast-check's `fullUnicode`). */
const anyCodePoints = (min: number, max: number) => fc.string({ unit: "binary", minLength: min, maxLength: max })

/** Passwords that are no repetition, no run and no listed word: distinct code points, in a shuffled order. */
const distinctCodePoints = (min: number, max: number, unit: fc.Arbitrary<string>) =>
  fc
    .uniqueArray(unit, { minLength: min, maxLength: max })
    .map((chars) => chars.join(""))
    .filter((password) => [...password].length === [...normalizePassword(password)].length)

describe("password policy (NIST SP 800-63B)", () => {
  it("refuses every password under 12 code points, whatever it holds", () => {
    fc.assert(
      fc.property(anyCodePoints(0, PASSWORD_MIN_LENGTH - 1), (password) => {
        fc.pre(passwordLength(password) < PASSWORD_MIN_LENGTH)
        expect(codes(password)).toEqual(["too_short"])
      })
    )
  })

  it("accepts long passwords of any Unicode with no composition rule: one script, no digits, emoji", () => {
    fc.assert(
      fc.property(
        distinctCodePoints(PASSWORD_MIN_LENGTH, 40, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
        (password) => {
          expect(codes(password)).toEqual([])
        }
      ),
      { numRuns: 300 }
    )
    expect(codes("correct horse battery staple")).toEqual([])
    expect(codes("onlylowercaseletters")).toEqual([])
    expect(codes("Пароль-из-кириллицы")).toEqual([])
    expect(codes("🦊🐢🦉🐙🦀🐝🦋🐞🦎🐍🦂🦑")).toEqual([])
  })

  it("counts code points of the NFKC form: 12 emoji are 12 characters, 11 are too few", () => {
    expect(passwordLength("🦊🐢🦉🐙🦀🐝🦋🐞🦎🐍🦂🦑")).toBe(12)
    expect(codes("🦊🐢🦉🐙🦀🐝🦋🐞🦎🐍🦂")).toEqual(["too_short"])
    // "é" composed (1 code point) and decomposed (2) are the same password after NFKC
    expect(passwordLength("e\u0301".repeat(12))).toBe(12)
    expect(normalizePassword("caf\u0065\u0301")).toBe(normalizePassword("caf\u00e9"))
  })

  it("refuses rather than truncates: the limit is far above 64 and a longer password is an error", () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: PASSWORD_MAX_LENGTH }), (length) => {
        const password = Array.from({ length }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join("")
        expect(codes(password)).not.toContain("too_long")
      }),
      { numRuns: 50 }
    )
    expect(codes("x".repeat(PASSWORD_MAX_LENGTH + 1))).toEqual(["too_long"])
  })

  it("refuses every entry of zxcvbn-ts's common-password list of 12 characters or more, in any case", () => {
    const listed = dictionary["passwords-common"].filter((word) => passwordLength(word) >= PASSWORD_MIN_LENGTH)
    expect(listed.length).toBeGreaterThan(100)
    for (const word of listed) {
      expect(codes(word), word).toContain("common")
      expect(codes(word.toUpperCase()), word).toContain("common")
    }
  })

  it("refuses a common password with digits or symbols around it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("password", "qwertyuiop", "iloveyou", "sunshine", "football"),
        fc.stringMatching(/^[0-9!@#$%.]{4,8}$/),
        (word, suffix) => {
          expect(codes(`${word}${suffix}`)).toContain("common")
        }
      )
    )
  })

  it("refuses repetitions and runs", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1, maxLength: 4 }),
        fc.integer({ min: 3, max: 12 }),
        (unit, n) => {
          const password = unit.repeat(n)
          fc.pre(passwordLength(password) >= PASSWORD_MIN_LENGTH && passwordLength(password) <= PASSWORD_MAX_LENGTH)
          expect(codes(password)).toContain("repetitive")
        }
      )
    )
    expect(codes("abcdefghijklm")).toContain("sequential")
    expect(codes("123456789012")).toContain("sequential")
    expect(codes("zyxwvutsrqpo")).toContain("sequential")
  })

  it("refuses a password that contains the account's email local part", () => {
    expect(codes("my name is ada.lovelace!", "Ada.Lovelace@example.com")).toEqual(["contains_email"])
    expect(codes("my name is ada.lovelace!", "grace@example.com")).toEqual([])
  })
})
