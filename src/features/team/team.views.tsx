import { ROLE_LABELS, ROLES } from "../../domain/permissions.ts";
import { type AdminFrame, AdminLayout, Done, type FormProblem } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { RowErrorNotice } from "../../http/components/error-summary.tsx";
import { Err, Field, Toggle } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";
import { type AvailabilityValues, availabilityValues } from "./availability.form.ts";
import { AvailabilityForm, AvailabilityNow, TimeZoneList } from "./availability.views.tsx";
import type { InviteListItem } from "./invites.service.ts";
import { InviteForm, InviteIssued, type IssuedInviteView, PendingInvites } from "./invites.views.tsx";
import { MemberKeyCell } from "./member-keys.views.tsx";
import type { UserRow } from "./team.repo.ts";

type Errors = Record<string, string>;

function RoleSelect(props: { id: string; value: string; errors: Errors | undefined }) {
  return (
    <div class="field">
      <label for={props.id}>
        Role
        <span class="hint">
          Admins manage the team and settings; responders handle reports; viewers only read.
        </span>
      </label>
      <select id={props.id} name="role" aria-invalid={props.errors?.role ? "true" : undefined}>
        {ROLES.map((r) => (
          <option value={r} selected={props.value === r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      <Err errors={props.errors} name="role" id={props.id} />
    </div>
  );
}

export interface TeamPageProps extends AdminFrame {
  members: readonly UserRow[];
  now: Date;
  /** Each member's OpenPGP key fingerprint, by user id; a member missing here has no key. */
  keyFingerprints?: ReadonlyMap<string, string>;
  done?: string | null;
  /** Open invites, and a failed invite form. */
  invites?: readonly InviteListItem[];
  invite?: FormProblem | null;
  /** A link just issued: shown once, at the top. */
  issued?: IssuedInviteView | null;
  smtpConfigured?: boolean;
  edit?: (FormProblem & { id: string }) | null;
  /** A failed availability form: what was typed and the errors, by field. */
  availability?: { id: string; message: string; values: AvailabilityValues; errors: Errors } | null;
}

/** Who is on the team, with their availability for assignment, and the forms to add and change members. */
export function TeamPage(props: TeamPageProps) {
  return (
    <AdminLayout
      {...props}
      title="Team"
      section="team"
      failed={Boolean(props.invite || props.edit || props.availability)}
    >
      <h1>Team</h1>
      <Done message={props.done} />
      {props.issued && <InviteIssued issued={props.issued} smtpConfigured={props.smtpConfigured ?? false} />}
      {props.invite && (
        <RowErrorNotice id="invite-problem" message={props.invite.message} formAnchor="invite-member" />
      )}
      {props.availability && (
        <RowErrorNotice
          id="availability-error"
          message={props.availability.message}
          formAnchor={`availability-${props.availability.id}`}
        />
      )}
      {props.edit && (
        <RowErrorNotice id="edit-error" message={props.edit.message} formAnchor={`member-${props.edit.id}`} />
      )}
      <DataTable
        class="members"
        columns={["Name", "Email", "Role", "Active", "Expertise", "Availability", "OpenPGP key"]}
        rows={props.members}
        row={(m) => (
          <tr class={m.active ? undefined : "inactive"} id={`row-${m.id}`}>
            <td>
              <a href={`#member-${m.id}`}>{m.name}</a>
            </td>
            <td class="break">{m.email}</td>
            <td>{ROLE_LABELS[m.role]}</td>
            <td>{m.active ? "Active" : <span class="badge">Disabled</span>}</td>
            <td>
              {m.expertise.length === 0 ? (
                <span class="muted">—</span>
              ) : (
                m.expertise.map((tag) => <span class="badge tag">{tag}</span>)
              )}
            </td>
            <td>
              <AvailabilityNow user={m} now={props.now} />{" "}
              {m.role !== "viewer" && (
                <a class="small" href={`#availability-${m.id}`}>
                  change
                </a>
              )}
            </td>
            <MemberKeyCell member={m} fingerprint={props.keyFingerprints?.get(m.id) ?? null} />
          </tr>
        )}
      />

      <PendingInvites invites={props.invites ?? []} csrfToken={props.csrfToken} />
      <InviteForm
        csrfToken={props.csrfToken}
        problem={props.invite ?? null}
        roleSelect={(value, errors) => <RoleSelect id="invite-role" value={value} errors={errors} />}
      />

      <section aria-labelledby="edit-heading">
        <h2 id="edit-heading">Change members</h2>
        {props.members.map((m) => {
          const problem = props.edit?.id === m.id ? props.edit : null;
          const v = problem?.values;
          const active = v ? v.active === "true" || v.active === "on" : m.active;
          return (
            <details class="card member-edit" id={`member-${m.id}`} open={Boolean(problem)}>
              <summary>
                {m.name} <span class="muted small">{m.email}</span>
              </summary>
              <form method="post" action={`/admin/team/${m.id}`} class="admin-form">
                <Csrf token={props.csrfToken} />
                {problem && (
                  <p class="field-error" role="alert" id={`member-${m.id}-error`}>
                    {problem.message}
                  </p>
                )}
                <div class="form-grid">
                  <Field
                    id={`m-${m.id}-name`}
                    name="name"
                    label="Name"
                    value={v?.name ?? m.name}
                    errors={problem?.errors}
                  />
                  <RoleSelect id={`m-${m.id}-role`} value={v?.role ?? m.role} errors={problem?.errors} />
                  <Field
                    id={`m-${m.id}-expertise`}
                    name="expertise"
                    label="Expertise"
                    hint="Comma separated."
                    value={v?.expertise ?? m.expertise.join(", ")}
                    errors={problem?.errors}
                  />
                  <Field
                    id={`m-${m.id}-note`}
                    name="availabilityNote"
                    label="Availability note"
                    value={v?.availabilityNote ?? m.availabilityNote}
                    errors={problem?.errors}
                  />
                  <Field
                    id={`m-${m.id}-password`}
                    name="password"
                    label="New password"
                    type="password"
                    hint="Leave empty to keep the current one. Setting one signs them out everywhere."
                    autocomplete="new-password"
                    value=""
                    errors={problem?.errors}
                  />
                </div>
                <Toggle
                  id={`m-${m.id}-active`}
                  name="active"
                  label="Active (may sign in and be assigned reports)"
                  checked={active}
                />
                <Err errors={problem?.errors} name="active" id={`m-${m.id}-active`} />
                <div class="actions">
                  <button type="submit">Save {m.name}</button>
                </div>
              </form>
            </details>
          );
        })}
      </section>

      <section aria-labelledby="availability-heading">
        <h2 id="availability-heading">Availability</h2>
        <p class="hint">
          Reports are assigned automatically only to active responders and admins who are not away and are
          inside their working hours, read in their own time zone. Members can also set their own on “My
          availability”.
        </p>
        <TimeZoneList />
        {props.members
          .filter((m) => m.role !== "viewer")
          .map((m) => {
            const failed = props.availability?.id === m.id ? props.availability : null;
            return (
              <details class="card member-edit" id={`availability-${m.id}`} open={Boolean(failed)}>
                <summary>
                  {m.name} <span class="muted small">{m.timeZone}</span>
                </summary>
                <AvailabilityForm
                  action={`/admin/team/${m.id}/availability`}
                  prefix={`av-${m.id}`}
                  values={failed?.values ?? availabilityValues(m)}
                  errors={failed?.errors}
                  message={failed?.message}
                  csrfToken={props.csrfToken}
                  submit={`Save availability of ${m.name}`}
                />
              </details>
            );
          })}
      </section>
    </AdminLayout>
  );
}
