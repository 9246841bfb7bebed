import { promises as dns, type LookupAddress, type LookupOptions } from "node:dns"
import { refusedAddressRange } from "./addressPolicy.js"

/** Resolves a name to its addresses; the system resolver by default, a table in tests. */
export type Resolver = (hostname: string) => Promise<ReadonlyArray<LookupAddress>>

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true })

/** Raised inside a connection attempt when a name resolves to an address that must not be reached. */
export class AddressRefusedError extends Error {
  readonly code = "LEADFORGE_ADDRESS_REFUSED"
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string
  ) {
    super(`${hostname} resolves to ${address} (${range})`)
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | Array<LookupAddress>,
  family?: number
) => void

/**
 * A `lookup` for net/tls.connect: resolves once, refuses the name when any of its addresses is not public (a
 * name that answers both a public and a private address is refused), and hands the checked addresses to the
 * socket, which connects to them without resolving again, so DNS rebinding cannot switch the address between the
 * check and the connection. With `check: false` (WEB_FETCH_ALLOW pairs) the addresses are used unchecked.
 */
export const connectLookup =
  (resolve: Resolver, check: boolean, onLookup?: (hostname: string) => void) =>
  (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    onLookup?.(hostname)
    resolve(hostname).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined
        const addresses = found.filter((a) => wanted === undefined || a.family === wanted)
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`)
          error.code = "ENOTFOUND"
          return callback(error, "")
        }
        if (check) {
          for (const { address } of addresses) {
            const range = refusedAddressRange(address)
            if (range !== null) return callback(new AddressRefusedError(hostname, address, range), "")
          }
        }
        if (options.all === true) return callback(null, [...addresses])
        const first = addresses[0] as LookupAddress
        return callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, "")
    )
  }
