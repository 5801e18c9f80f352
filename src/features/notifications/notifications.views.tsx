import { formatFingerprint } from "../../domain/pgp-keys.ts";
import {
  type AdminFrame,
  AdminLayout,
  Done,
  type FormProblem,
  Problem,
} from "../../http/components/admin-layout.tsx";
import { Err, Field } from "../../http/components/field.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { NotificationListView } from "./notifications.service.ts";

export interface NotificationListsPageProps extends AdminFrame {
  lists: readonly NotificationListView[];
  create?: FormProblem | null;
  /** A refused add-member form, for the list it belongs to. */
  addMember?: (FormProblem & { id: string }) | null;
  /** A delete form sent without its confirmation. */
  deleteProblem?: (FormProblem & { id: string }) | null;
  done?: string | null;
}

const MODE_WORDS = {
  imminent: "Imminent: told that a release is coming, when, its track and highest severity; no details.",
  full: "Full: also receives the approved advisory text (trusted downstreams such as distributions).",
} as const;

function AddMemberForm(props: {
  list: NotificationListView;
  csrfToken: string | null;
  problem: (FormProblem & { id: string }) | null | undefined;
}) {
  const { list } = props;
  const problem = props.problem?.id === list.id ? props.problem : null;
  const p = `list-${list.id}`;
  return (
    <details class="add-member" id={`${p}-add`} open={Boolean(problem) || list.members.length === 0}>
      <summary>Add a member to {list.name}</summary>
      <form method="post" action={`/admin/notification-lists/${list.id}/members`} class="admin-form">
        <Csrf token={props.csrfToken} />
        <Problem problem={problem} id={`${p}-add-error`} />
        <div class="form-grid">
          <Field
            id={`${p}-name`}
            name="name"
            label="Name"
            value={problem?.values.name ?? ""}
            errors={problem?.errors}
            required
          />
          <Field
            id={`${p}-email`}
            name="email"
            label="Email"
            hint="The key must carry this address."
            value={problem?.values.email ?? ""}
            errors={problem?.errors}
            required
          />
          <Field
            id={`${p}-org`}
            name="organization"
            label="Organization"
            hint="Optional, e.g. Debian Security Team."
            value={problem?.values.organization ?? ""}
            errors={problem?.errors}
          />
        </div>
        <label for={`${p}-key`}>OpenPGP public key</label>
        <textarea
          id={`${p}-key`}
          name="pgpKey"
          rows={5}
          class="mono"
          required
          aria-invalid={problem?.errors.pgpKey ? "true" : undefined}
          aria-describedby={problem?.errors.pgpKey ? `${p}-key-error` : undefined}
        >
          {problem?.values.pgpKey ?? ""}
        </textarea>
        <Err errors={problem?.errors} name="pgpKey" id={`${p}-key`} />
        <div class="actions">
          <button type="submit">Add member to {list.name}</button>
        </div>
      </form>
    </details>
  );
}

function ListCard(props: {
  list: NotificationListView;
  csrfToken: string | null;
  addMember: NotificationListsPageProps["addMember"];
  deleteProblem: NotificationListsPageProps["deleteProblem"];
}) {
  const { list } = props;
  const deleting = props.deleteProblem?.id === list.id ? props.deleteProblem : null;
  const unusable = list.members.filter((m) => m.keyProblem);
  return (
    <section
      class="card notification-list"
      id={`list-${list.id}`}
      aria-labelledby={`list-${list.id}-heading`}
    >
      <h2 id={`list-${list.id}-heading`}>
        {list.name} <span class="badge">{list.mode}</span>
      </h2>
      <p class="small muted">{MODE_WORDS[list.mode]}</p>
      {unusable.length > 0 && (
        <p class="notice error" role="status">
          {unusable.length === 1 ? "One member's key" : `${unusable.length} members' keys`} cannot be used:
          they would get nothing until a new key is added.
        </p>
      )}
      {list.members.length === 0 ? (
        <p class="muted">No members yet.</p>
      ) : (
        <ul class="plain-list list-members">
          {list.members.map((m) => (
            <li id={`member-${m.id}`}>
              <strong>{m.name}</strong> &lt;{m.email}&gt;{m.organization ? `, ${m.organization}` : ""}
              <br />
              <span class="mono small break">{formatFingerprint(m.fingerprint)}</span>{" "}
              {m.keyProblem ? (
                <span class="badge danger">Unusable: {m.keyProblem}</span>
              ) : (
                <span class="small muted">
                  {m.keyExpiresAt ? `key expires ${formatDate(m.keyExpiresAt)}` : "key does not expire"}
                </span>
              )}
              <form
                method="post"
                action={`/admin/notification-lists/${list.id}/members/${m.id}/remove`}
                class="inline"
              >
                <Csrf token={props.csrfToken} />
                <button type="submit" class="link">
                  Remove
                  <span class="visually-hidden">
                    {" "}
                    {m.name} from {list.name}
                  </span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <AddMemberForm list={list} csrfToken={props.csrfToken} problem={props.addMember} />
      <form method="post" action={`/admin/notification-lists/${list.id}/delete`} class="delete-list">
        <Csrf token={props.csrfToken} />
        <label class="choice">
          <input
            type="checkbox"
            name="confirm"
            value="yes"
            required
            aria-invalid={deleting ? "true" : undefined}
            aria-describedby={deleting ? `list-${list.id}-confirm-error` : undefined}
          />{" "}
          Delete {list.name} and its {list.members.length} {list.members.length === 1 ? "member" : "members"}
        </label>
        <Err errors={deleting?.errors} name="confirm" id={`list-${list.id}-confirm`} />
        <button type="submit" class="danger">
          Delete the list {list.name}
        </button>
      </form>
    </section>
  );
}

/** /admin/notification-lists: who is told before a release goes public, each with the key their mail is encrypted to. */
export function NotificationListsPage(props: NotificationListsPageProps) {
  const create = props.create;
  return (
    <AdminLayout
      {...props}
      title="Notification lists"
      section="notification-lists"
      failed={Boolean(create || props.addMember || props.deleteProblem)}
    >
      <h1>Notification lists</h1>
      <Done message={props.done} />
      <p>
        Before a release goes public, each member of its lists gets their own mail, encrypted to their key and
        signed by the intake key. Nobody on a list is ever sent plaintext: a member whose key stops working
        gets nothing, and the admins are alerted.
      </p>
      {props.lists.length === 0 && <p class="muted">No lists yet.</p>}
      {props.lists.map((list) => (
        <ListCard
          list={list}
          csrfToken={props.csrfToken}
          addMember={props.addMember}
          deleteProblem={props.deleteProblem}
        />
      ))}
      <section class="card" id="create-list" aria-labelledby="create-list-heading">
        <h2 id="create-list-heading">Create a list</h2>
        <Problem problem={create} id="create-error" />
        <form method="post" action="/admin/notification-lists" class="admin-form">
          <Csrf token={props.csrfToken} />
          <Field
            id="list-name"
            name="name"
            label="Name"
            hint="e.g. Distributions"
            value={create?.values.name ?? ""}
            errors={create?.errors}
            required
          />
          <fieldset>
            <legend>What the members receive</legend>
            {(["imminent", "full"] as const).map((mode) => (
              <label class="choice">
                <input
                  type="radio"
                  name="mode"
                  value={mode}
                  checked={(create?.values.mode ?? "imminent") === mode}
                />{" "}
                {MODE_WORDS[mode]}
              </label>
            ))}
            <Err errors={create?.errors} name="mode" id="list-mode" />
          </fieldset>
          <div class="actions">
            <button type="submit">Create list</button>
          </div>
        </form>
      </section>
    </AdminLayout>
  );
}
