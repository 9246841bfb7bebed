/** The CLI's documented exit codes. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  partial: 3,
  interrupted: 130
} as const
