import { Schema } from "effect"

export const Role = Schema.Literal("admin", "member", "viewer")
export type Role = typeof Role.Type
