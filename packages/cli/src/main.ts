#!/usr/bin/env node
/**
 * The executable. With LOG_LEVEL=debug (or finer) source maps are turned on before any of the CLI's modules load
 * (a static import would load them first), so an unexpected error's stack points at our TypeScript files.
 */
const level = (process.env.LOG_LEVEL ?? "").trim().toLowerCase()
if (level === "debug" || level === "trace" || level === "all") process.setSourceMapsEnabled(true)
await import("./bin.js")
