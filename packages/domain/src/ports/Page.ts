/** A keyset-paginated page: pass nextCursor back to get the next one; null means the end. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}
