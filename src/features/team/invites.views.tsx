import type { Child } from "hono/jsx";
import { ROLE_LABELS } from "../../domain/permissions.ts";
import { INVITE_DAYS } from "../../domain/team-invites.ts";
import type { FormProblem } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Field } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";
import type { InviteListItem } from "./invites.service.ts";

/** A link just issued, shown once on the page the post answers with. */
export interface IssuedInviteView {
  email: string;
  name: string;
  link: string;
  expiresAt: Date;
  resent: boolean;
}

const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * The new link, with what happened to the mail said truthfully: without SMTP it waits in the outbox. The link
 * is shown only here; Embargo keeps only its hash.
 */
export function InviteIssued(props: { issued: IssuedInviteView; smtpConfigured: boolean }) {
  const { issued } = props;
  return (
    <div class="notice success invite-issued" role="status" id="invite-link">
      <p>
        <strong>
          {issued.resent ? "A new invite link was issued" : "Invite created"} for {issued.name}.
        </strong>{" "}
        {issued.resent ? "The previous link no longer works. " : ""}
        {props.smtpConfigured ? (
          <>
            It was mailed to <span class="break">{issued.email}</span>.
          </>
        ) : (
          <>
            No mail server is set up (SMTP_URL), so the mail to <span class="break">{issued.email}</span>{" "}
            waits in the <a href="/admin/outbox">outbox</a> and is not sent.
          </>
        )}
      </p>
      <label for="invite-url">
        Copy the link to hand it over yourself. It is shown only now, works once, and expires{" "}
        {minute(issued.expiresAt)}:
      </label>
      <input type="text" id="invite-url" class="copy mono" readonly value={issued.link} />
    </div>
  );
}

/** The form that invites a person: who and which role; they choose their own password through the link. */
export function InviteForm(props: {
  csrfToken: string | null;
  problem: FormProblem | null;
  roleSelect: (value: string, errors: Record<string, string> | undefined) => Child;
}) {
  const problem = props.problem;
  const values = problem?.values ?? {};
  return (
    <section class="card" id="invite-member" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite a member</h2>
      <p class="hint">
        They get a one-time link by mail, valid for {INVITE_DAYS} days, where they choose their own password.
        You also see the link here to hand it over yourself.
      </p>
      <form method="post" action="/admin/invites" class="admin-form">
        <Csrf token={props.csrfToken} />
        <div class="form-grid">
          <Field
            id="invite-email"
            name="email"
            label="Email"
            type="email"
            value={values.email ?? ""}
            errors={problem?.errors}
            required
          />
          <Field
            id="invite-name"
            name="name"
            label="Name"
            value={values.name ?? ""}
            errors={problem?.errors}
            required
          />
          {props.roleSelect(values.role ?? "responder", problem?.errors)}
          <Field
            id="invite-expertise"
            name="expertise"
            label="Expertise"
            hint="Tags separated by commas, e.g. web, auth, crypto. Used to suggest Response Managers."
            value={values.expertise ?? ""}
            errors={problem?.errors}
          />
        </div>
        <div class="actions">
          <button type="submit">Send invite</button>
        </div>
      </form>
    </section>
  );
}

/** Invites nobody has used or revoked yet, with re-send (a fresh link) and revoke. */
export function PendingInvites(props: { invites: readonly InviteListItem[]; csrfToken: string | null }) {
  if (props.invites.length === 0) return null;
  return (
    <section aria-labelledby="invites-heading" id="invites">
      <h2 id="invites-heading">Pending invites</h2>
      <DataTable
        class="invites"
        columns={["Name", "Email", "Role", "Invited", "Link", ""]}
        rows={props.invites}
        row={(i) => (
          <tr id={`invite-${i.id}`}>
            <td>{i.name}</td>
            <td class="break">{i.email}</td>
            <td>{ROLE_LABELS[i.role]}</td>
            <td>
              {i.sentAt.toISOString().slice(0, 10)}
              {i.invitedByName && <span class="muted small"> by {i.invitedByName}</span>}
            </td>
            <td>
              {i.state === "expired" ? (
                <span class="badge">Expired {minute(i.expiresAt)}</span>
              ) : (
                <>valid until {minute(i.expiresAt)}</>
              )}
            </td>
            <td class="row-actions">
              <form method="post" action={`/admin/invites/${i.id}/resend`} class="inline">
                <Csrf token={props.csrfToken} />
                <button type="submit" class="secondary" aria-label={`Re-send the invite to ${i.email}`}>
                  Re-send
                </button>
              </form>{" "}
              <form method="post" action={`/admin/invites/${i.id}/revoke`} class="inline">
                <Csrf token={props.csrfToken} />
                <button type="submit" class="secondary" aria-label={`Revoke the invite to ${i.email}`}>
                  Revoke
                </button>
              </form>
            </td>
          </tr>
        )}
      />
    </section>
  );
}
