import { DEFAULT_EMBEDDING_DIMENSION, Embedder } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { slice } from "../shared/eventLoop.js"

/**
 * Offline, deterministic embeddings by feature hashing (Weinberger et al. 2009): stemmed words, word bigrams and
 * character n-grams (3–4) of each word are hashed with FNV-1a into `dimension` buckets with a hash-derived sign,
 * weighted by 1 + log(count), and the vector is L2-normalized. Cosine similarity then measures lexical overlap,
 * tolerant of inflections and typos through the character n-grams. No model, no network, same output everywhere.
 */

const STOPWORDS = new Set(
  (
    "a about an and any are as at be been but by can could did do does for from had has have how i if in into is it " +
    "its me my no not of on or our so than that the their them then there these they this those to us was we were " +
    "what when where which who whom why will with would you your"
  ).split(" ")
)

const WORD_WEIGHT = 1
const BIGRAM_WEIGHT = 0.5
const NGRAM_WEIGHT = 0.25

/** FNV-1a, 32 bits. */
const fnv1a = (text: string, seed = 0x811c9dc5): number => {
  let h = seed
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

const stem = (word: string): string => {
  if (word.length <= 4) return word.endsWith("s") && word.length > 3 ? word.slice(0, -1) : word
  return word.replace(/(ations|ation|ings|ing|ies|ed|es|ly|s)$/, "")
}

/** Lower-case words (diacritics folded), without stopwords, stemmed. */
export const hashingTokens = (text: string): ReadonlyArray<string> =>
  (
    text
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
    .filter((w) => !STOPWORDS.has(w))
    .map(stem)
    .filter((w) => w.length > 0)

export const hashingEmbed = (text: string, dimension: number): Array<number> => {
  const features = new Map<string, number>()
  const add = (feature: string, weight: number) => features.set(feature, (features.get(feature) ?? 0) + weight)
  const words = hashingTokens(text)
  words.forEach((word, i) => {
    add(`w:${word}`, WORD_WEIGHT)
    if (i > 0) add(`b:${words[i - 1]} ${word}`, BIGRAM_WEIGHT)
    const padded = `<${word}>`
    for (let n = 3; n <= 4; n++) {
      for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`, NGRAM_WEIGHT)
    }
  })
  const vector = new Array<number>(dimension).fill(0)
  for (const [feature, count] of features) {
    const h = fnv1a(feature)
    const sign = fnv1a(feature, 0x9747b28c) & 1 ? 1 : -1
    const weight = feature.startsWith("w:") ? 1 : feature.startsWith("b:") ? BIGRAM_WEIGHT : NGRAM_WEIGHT
    vector[h % dimension]! += sign * weight * (1 + Math.log(count / weight))
  }
  let norm = 0
  for (const x of vector) norm += x * x
  if (norm === 0) return vector
  const scale = 1 / Math.sqrt(norm)
  return vector.map((x) => x * scale)
}

export const makeEmbedderHashing = (dimension: number = DEFAULT_EMBEDDING_DIMENSION): Embedder.Service => {
  if (!Number.isInteger(dimension) || dimension < 8) throw new RangeError("hashing embedder: dimension must be ≥ 8")
  return Embedder.of({
    modelId: `hashing-${dimension}`,
    dimension,
    // one text per slice of the thread's time, so a large batch lets other requests in between its texts
    embed: (texts) => Effect.forEach(texts, (text) => slice(Effect.sync(() => hashingEmbed(text, dimension))))
  })
}

/** The default embedder: 384-dimension feature hashing, offline. */
export const EmbedderHashing: Layer.Layer<Embedder> = Layer.succeed(Embedder, makeEmbedderHashing())
