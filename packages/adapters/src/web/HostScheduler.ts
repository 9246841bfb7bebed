/**
 * Politeness per host: one request at a time, and at least `delayMs` between the end of one request and the start
 * of the next. Hosts do not wait for each other.
 */
export class HostScheduler {
  private readonly hosts = new Map<string, { tail: Promise<void>; nextAt: number; pending: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs `task` in `host`'s turn; `delayMs` is read when the turn starts (robots.txt may change it). */
  run<A>(host: string, delayMs: () => number, task: () => Promise<A>, signal?: AbortSignal): Promise<A> {
    const slot = this.hosts.get(host) ?? { tail: Promise.resolve(), nextAt: 0, pending: 0 }
    this.hosts.set(host, slot)
    slot.pending++
    const result = slot.tail.then(async () => {
      const wait = slot.nextAt - this.now()
      if (wait > 0) await sleep(wait, signal)
      signal?.throwIfAborted()
      try {
        return await task()
      } finally {
        slot.nextAt = this.now() + delayMs()
      }
    })
    slot.tail = result.then(
      () => undefined,
      () => undefined
    )
    void slot.tail.then(() => {
      slot.pending--
      // forget idle hosts whose delay has passed, so a long crawl does not keep every host it ever saw
      if (slot.pending === 0 && this.hosts.get(host) === slot) {
        const idle = slot.nextAt - this.now()
        setTimeout(
          () => {
            if (slot.pending === 0 && this.hosts.get(host) === slot) this.hosts.delete(host)
          },
          Math.max(idle, 0)
        ).unref()
      }
    })
    return result
  }

  get size() {
    return this.hosts.size
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true }
    )
  })
