import { FieldIssue, ValidationFailed } from "@leadforge/domain"

/**
 * The error for a cursor a list did not hand out (garbled, from another list or another sort order), the same
 * from every adapter: ValidationFailed naming `cursor`, rather than silently starting over.
 */
export const invalidCursor = () =>
  new ValidationFailed({
    entity: "page",
    issues: [
      new FieldIssue({
        field: "cursor",
        code: "invalid_cursor",
        message: "not a cursor this list returned (garbled, or from another list or sort order); omit it to start over"
      })
    ]
  })
