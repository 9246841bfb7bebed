export { connectRedis, DEFAULT_KEY_PREFIX } from "./connect.js"
export * from "./IdempotencyStoreRedis.js"
export * from "./RateLimitStoreRedis.js"
