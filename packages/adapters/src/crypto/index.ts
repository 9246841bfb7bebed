export * as AccessTokensJose from "./AccessTokensJose.js"
export * from "./PasswordHasherArgon2.js"
