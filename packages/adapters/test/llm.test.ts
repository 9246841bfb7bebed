import { describe, expect, it } from "@effect/vitest"
import {
  LanguageModelNotConfiguredLayer,
  LanguageModelScripted,
  makeScripted,
  parseJson
} from "@leadforge/adapters/llm"
import { LanguageModel, Unavailable } from "@leadforge/domain"
import { Effect, Either, Schema } from "effect"

const Person = Schema.Struct({ name: Schema.String, age: Schema.Int })

describe("scripted LanguageModel", () => {
  it.effect("answers from a queue of replies, in order, and records every request", () =>
    Effect.gen(function* () {
      const scripted = yield* makeScripted(["first", { content: "second", promptTokens: 3, completionTokens: 2 }])
      const a = yield* scripted.service.generateText({ user: "one" })
      const b = yield* scripted.service.generateText({ system: "sys", user: "two" })
      expect(a.value).toBe("first")
      expect(a.usage.model).toBe("scripted")
      expect(b.value).toBe("second")
      expect(b.usage).toMatchObject({ promptTokens: 3, completionTokens: 2 })
      const requests = yield* scripted.requests
      expect(requests.map((r) => r.messages.at(-1)?.content)).toEqual(["one", "two"])
      expect(requests[1]?.messages[0]).toEqual({ role: "system", content: "sys" })
      const exhausted = yield* Effect.flip(scripted.service.generateText({ user: "three" }))
      expect(exhausted.message).toContain("no more replies")
    })
  )

  it.effect("decodes objects with the shared schema logic, including the one repair round", () =>
    Effect.gen(function* () {
      const scripted = yield* makeScripted(['{"name": "Ada"}', '```json\n{"name": "Ada", "age": 36}\n```'])
      const result = yield* scripted.service.generateObject(Person, { user: "who?" })
      expect(result.value).toEqual({ name: "Ada", age: 36 })
      const requests = yield* scripted.requests
      expect(requests).toHaveLength(2)
      expect(requests[0]?.json).toBe(true)
      expect(requests[1]?.messages.at(-1)?.content).toContain("age")
    })
  )

  it.effect("fails with ModelOutputInvalid after a failed repair, with the raw reply", () =>
    Effect.gen(function* () {
      const scripted = yield* makeScripted(["nope", '{"name": 1, "age": 2}'])
      const error = yield* Effect.flip(scripted.service.generateObject(Person, { user: "who?" }))
      expect(error._tag).toBe("ModelOutputInvalid")
      if (error._tag === "ModelOutputInvalid") {
        expect(error.raw).toBe('{"name": 1, "age": 2}')
        expect(error.reason).toContain("name")
      }
    })
  )

  it.effect("a function script sees the prompt and may fail", () =>
    Effect.gen(function* () {
      const lm = yield* LanguageModel
      const ok = yield* lm.generateObject(Person, { user: "Grace" })
      expect(ok.value).toEqual({ name: "Grace", age: 85 })
      const down = yield* Effect.flip(lm.generateText({ user: "fail" }))
      expect(down._tag).toBe("Unavailable")
      expect(yield* lm.health).toEqual({ status: "ok", provider: "scripted", model: "scripted" })
    }).pipe(
      Effect.provide(
        LanguageModelScripted((request) => {
          const user = request.messages.at(-1)?.content ?? ""
          return user === "fail"
            ? new Unavailable({ service: "llm", reason: "scripted outage" })
            : JSON.stringify({ name: user, age: 85 })
        })
      )
    )
  )

  it.effect("the not-configured layer fails every call and reports not_configured", () =>
    Effect.gen(function* () {
      const lm = yield* LanguageModel
      expect((yield* lm.health).status).toBe("not_configured")
      expect((yield* Effect.flip(lm.generateText({ user: "x" })))._tag).toBe("LanguageModelNotConfigured")
    }).pipe(Effect.provide(LanguageModelNotConfiguredLayer))
  )

  it("parseJson accepts fenced JSON and explains invalid JSON", () => {
    expect(parseJson('```json\n{"a":1}\n```')).toEqual(Either.right({ a: 1 }))
    const bad = parseJson("{a:1}")
    expect(Either.isLeft(bad) && bad.left).toContain("not valid JSON")
  })
})
