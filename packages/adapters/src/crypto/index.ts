export * from "./PasswordHasherArgon2.js"
