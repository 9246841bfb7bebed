import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { OneTimeLinkId, Role, UserId } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { listOf, reportAll } from "../../contract/schemas.js"

export class MemberView extends Schema.Class<MemberView>("MemberView")({
  userId: UserId,
  email: Schema.String,
  name: Schema.String,
  role: Role,
  joinedAt: Schema.Date,
  /** Whether sign-in is locked for now after repeated failures (an admin can unlock). */
  locked: Schema.Boolean
}) {}

export const RoleChange = Schema.Struct({ role: Role }).annotations(reportAll)

export const NewInvitation = Schema.Struct({
  email: Schema.String.pipe(Schema.minLength(1, { message: () => "is required" }), Schema.maxLength(254)),
  role: Role
}).annotations(reportAll)

/** Returned once: the only time the invitation's token is shown. */
export class CreatedInvitation extends Schema.Class<CreatedInvitation>("CreatedInvitation")({
  id: OneTimeLinkId,
  email: Schema.NullOr(Schema.String),
  role: Role,
  expiresAt: Schema.Date,
  /** The one-time token, to POST to /api/v1/invitations/accept. */
  token: Schema.String,
  /** The token in a link for the console (in the fragment, so it reaches no server log). */
  link: Schema.String
}) {}

const MemberPath = Schema.Struct({ userId: UserId })

export class MembersApi extends HttpApiGroup.make("members")
  .add(
    HttpApiEndpoint.get("list", "/members")
      .addSuccess(listOf(MemberView))
      .annotate(OpenApi.Summary, "List the organization's members")
  )
  .add(
    HttpApiEndpoint.patch("setRole", "/members/:userId")
      .setPath(MemberPath)
      .setPayload(RoleChange)
      .addSuccess(MemberView)
      .annotate(OpenApi.Summary, "Change a member's role")
      .annotate(
        OpenApi.Description,
        "Admin only. 409 `last_admin` when it would leave the organization without an admin."
      )
  )
  .add(
    HttpApiEndpoint.del("remove", "/members/:userId")
      .setPath(MemberPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Remove a member")
      .annotate(
        OpenApi.Description,
        "Admin only. Their sessions in this organization end at once; an access token they hold stops at its expiry " +
          "(15 minutes at most), since its refresh is refused. 409 `last_admin` for the only admin."
      )
  )
  .add(
    HttpApiEndpoint.post("invite", "/members/invitations")
      .setPayload(NewInvitation)
      .addSuccess(CreatedInvitation, { status: 201 })
      .annotate(OpenApi.Summary, "Invite a person")
      .annotate(
        OpenApi.Description,
        "Admin only. A one-time invitation valid 48 hours, to pass on by hand; accepting it creates the account (or " +
          "adds the existing one) with the role."
      )
  )
  .add(
    HttpApiEndpoint.post("unlock", "/members/:userId/unlock")
      .setPath(MemberPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Lift a member's sign-in lock")
      .annotate(
        OpenApi.Description,
        "Admin only. Ends the temporary lock after repeated failed sign-ins and forgets the failures."
      )
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "The people of the caller's organization.") {}
