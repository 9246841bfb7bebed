import { Command, Options } from "@effect/cli"
import { newWorkerId, runResearchWorker } from "@leadforge/adapters/worker"
import { Duration, Effect } from "effect"
import { withLeadIndex } from "./knowledge.js"
import { withModel, withStore, withWeb } from "./research.js"
import { UsageError } from "./shared.js"

export const workerCommand = Command.make(
  "worker",
  {
    concurrency: Options.integer("concurrency").pipe(
      Options.withDescription("Tasks this worker runs at once (1-64, default 1)"),
      Options.withDefault(1)
    ),
    leaseSeconds: Options.integer("lease-seconds").pipe(
      Options.withDescription(
        "How long a claimed task stays this worker's without a heartbeat (renewed every third of it); a task of a worker that died is taken over after this (1-3600, default 30)"
      ),
      Options.withDefault(30)
    )
  },
  (args) =>
    Effect.gen(function* () {
      if (args.concurrency < 1 || args.concurrency > 64) {
        return yield* new UsageError({ message: "--concurrency must be from 1 to 64" })
      }
      if (args.leaseSeconds < 1 || args.leaseSeconds > 3600) {
        return yield* new UsageError({ message: "--lease-seconds must be from 1 to 3600" })
      }
      const workerId = newWorkerId()
      yield* Effect.sync(() =>
        process.stderr.write(
          `research worker ${workerId} running ${args.concurrency} at a time; stop it with Ctrl-C (SIGINT) or SIGTERM\n`
        )
      )
      return yield* runResearchWorker({
        workerId,
        concurrency: args.concurrency,
        lease: Duration.seconds(args.leaseSeconds)
      })
    }).pipe(withLeadIndex, withWeb, withStore, withModel)
).pipe(
  Command.withDescription(
    "Run research tasks from the queue until SIGINT/SIGTERM; any number of workers (and `serve`) can share a database. Needs GROQ_API_KEY"
  )
)
