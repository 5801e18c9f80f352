import {
  type AdminFrame,
  AdminLayout,
  Done,
  type FormProblem,
  Problem,
} from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Err, Field } from "../../http/components/field.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { RepositoryView } from "./repositories.service.ts";

export interface RepositoriesPageProps extends AdminFrame {
  repositories: readonly RepositoryView[];
  /** EMBARGO_GIT_DIR, where the mirrors are kept. */
  gitDir: string;
  add?: FormProblem | null;
  /** A refused credentials form, for the repository it belongs to. */
  credentials?: (FormProblem & { id: string }) | null;
  signingKey?: (FormProblem & { id: string }) | null;
  done?: string | null;
}

const CREDENTIAL_LABELS = { https_token: "HTTPS token", ssh_key: "SSH deploy key" } as const;

function FetchState(props: { r: RepositoryView }) {
  const r = props.r;
  return (
    <>
      {r.lastFetchedAt
        ? formatDate(r.lastFetchedAt)
        : r.lastFetchAttemptAt
          ? "Never fetched"
          : "Waiting for the first fetch"}
      {r.lastFetchError && (
        <p class="field-error small" id={`repo-${r.id}-fetch-error`}>
          Last fetch failed{r.lastFetchAttemptAt ? ` (${formatDate(r.lastFetchAttemptAt)})` : ""}:{" "}
          {r.lastFetchError}
        </p>
      )}
    </>
  );
}

function CredentialsForm(props: {
  r: RepositoryView;
  csrfToken: string | null;
  problem: (FormProblem & { id: string }) | null | undefined;
}) {
  const { r } = props;
  const problem = props.problem?.id === r.id ? props.problem : null;
  const p = `repo-${r.id}`;
  const kind = problem?.values.kind ?? r.credentialKind ?? "https_token";
  return (
    <details class="card" id={`${p}-credentials`} open={Boolean(problem)}>
      <summary>Credentials for {r.name}</summary>
      <p>
        {r.credentialKind
          ? `A ${CREDENTIAL_LABELS[r.credentialKind]} is stored, sealed under the data key. It is never shown again; enter a new one to replace it.`
          : "No credentials are stored: the upstream is fetched without any."}
      </p>
      <form method="post" action={`/admin/repositories/${r.id}/credentials`} class="admin-form">
        <Csrf token={props.csrfToken} />
        {problem && (
          <p class="field-error" role="alert">
            {problem.message}
          </p>
        )}
        <fieldset>
          <legend>Kind</legend>
          <label class="choice">
            <input type="radio" name="kind" value="https_token" checked={kind === "https_token"} /> HTTPS
            token (for an https:// upstream)
          </label>
          <label class="choice">
            <input type="radio" name="kind" value="ssh_key" checked={kind === "ssh_key"} /> SSH deploy key
            (for ssh:// or user@host:path)
          </label>
          <label class="choice">
            <input type="radio" name="kind" value="none" checked={kind === "none"} /> None: remove the stored
            credentials
          </label>
          <Err errors={problem?.errors} name="kind" id={`${p}-kind`} />
        </fieldset>
        <div class="form-grid">
          <Field
            id={`${p}-username`}
            name="username"
            label="User name"
            hint='For the token; empty means "x-access-token".'
            value={problem?.values.username ?? ""}
            errors={problem?.errors}
          />
          <div class="field">
            <label for={`${p}-token`}>Token</label>
            <input type="password" id={`${p}-token`} name="token" autocomplete="off" />
            <Err errors={problem?.errors} name="token" id={`${p}-token`} />
          </div>
        </div>
        <label for={`${p}-key`}>SSH private key</label>
        <textarea id={`${p}-key`} name="privateKey" rows={4} class="mono" autocomplete="off" />
        <Err errors={problem?.errors} name="privateKey" id={`${p}-key`} />
        <div class="actions">
          <button type="submit">Save credentials for {r.name}</button>
        </div>
      </form>
    </details>
  );
}

/** The key that signs a repository's release tags: package verification trusts it besides the members' keys. */
function SigningKeyForm(props: {
  r: RepositoryView;
  csrfToken: string | null;
  problem: (FormProblem & { id: string }) | null | undefined;
}) {
  const { r } = props;
  const problem = props.problem?.id === r.id ? props.problem : null;
  const p = `repo-${r.id}-signing-key`;
  return (
    <details class="card" id={p} open={Boolean(problem)}>
      <summary>Release-signing key for {r.name}</summary>
      <p>
        {r.releaseSigningKey
          ? "A release-signing key is set; package verification accepts tags it signs. Paste another to replace it, or send the form empty to remove it."
          : "None is set: tags are checked against the team members' keys only."}
      </p>
      <form method="post" action={`/admin/repositories/${r.id}/signing-key`} class="admin-form">
        <Csrf token={props.csrfToken} />
        {problem && (
          <p class="field-error" role="alert">
            {problem.message}
          </p>
        )}
        <label for={`${p}-text`}>ASCII-armored OpenPGP public key</label>
        <textarea id={`${p}-text`} name="releaseSigningKey" rows={4} class="mono">
          {problem?.values.releaseSigningKey ?? r.releaseSigningKey ?? ""}
        </textarea>
        <Err errors={problem?.errors} name="releaseSigningKey" id={`${p}-text`} />
        <div class="actions">
          <button type="submit">Save the release-signing key for {r.name}</button>
        </div>
      </form>
    </details>
  );
}

/** /admin/repositories: the team's repositories, their mirrors' fetch state, registration and credentials. */
export function RepositoriesPage(props: RepositoriesPageProps) {
  const add = props.add;
  return (
    <AdminLayout
      {...props}
      title="Repositories"
      section="repositories"
      failed={Boolean(add || props.credentials)}
    >
      <h1>Repositories</h1>
      <Done message={props.done} />
      <p>
        Embargo keeps a bare mirror of each repository in <code>{props.gitDir}</code>, fetched when it is
        registered and whenever you ask. Assets in the scope can name their repository.
      </p>
      <DataTable
        class="repositories"
        columns={["Name", "Upstream", "Default branch", "Credentials", "Last fetched", ""]}
        rows={props.repositories}
        empty="No repositories yet."
        row={(r) => (
          <tr id={`repo-${r.id}`}>
            <td>{r.name}</td>
            <td class="mono small break">{r.upstreamUrl}</td>
            <td class="mono">
              {r.defaultBranch}
              {r.releaseSigningKey && <span class="small muted"> (release-signing key set)</span>}
            </td>
            <td>
              {r.credentialKind ? CREDENTIAL_LABELS[r.credentialKind] : "None"}{" "}
              <a href={`#repo-${r.id}-credentials`}>Change</a>
            </td>
            <td>
              <FetchState r={r} />
            </td>
            <td>
              <form method="post" action={`/admin/repositories/${r.id}/fetch`}>
                <Csrf token={props.csrfToken} />
                <button type="submit" class="secondary">
                  Fetch now<span class="visually-hidden">: {r.name}</span>
                </button>
              </form>
            </td>
          </tr>
        )}
      />

      <section class="card" id="add-repository" aria-labelledby="add-repository-heading">
        <h2 id="add-repository-heading">Register a repository</h2>
        <Problem problem={add} id="add-error" />
        <form method="post" action="/admin/repositories" class="admin-form">
          <Csrf token={props.csrfToken} />
          <div class="form-grid">
            <Field
              id="repo-name"
              name="name"
              label="Name"
              hint="e.g. acme/app"
              value={add?.values.name ?? ""}
              errors={add?.errors}
              required
            />
            <Field
              id="repo-upstream"
              name="upstreamUrl"
              label="Upstream URL"
              hint="https://, ssh://, user@host:path, file:// or an absolute path."
              value={add?.values.upstreamUrl ?? ""}
              errors={add?.errors}
              required
            />
            <Field
              id="repo-branch"
              name="defaultBranch"
              label="Default branch"
              hint='Empty means "main".'
              value={add?.values.defaultBranch ?? ""}
              errors={add?.errors}
            />
          </div>
          <label for="repo-signing-key">
            Release-signing key (optional)
            <span class="hint">
              The ASCII-armored OpenPGP public key that signs release tags. Package verification trusts it
              besides the team members' keys.
            </span>
          </label>
          <textarea
            id="repo-signing-key"
            name="releaseSigningKey"
            rows={4}
            class="mono"
            aria-invalid={add?.errors?.releaseSigningKey ? "true" : undefined}
          >
            {add?.values.releaseSigningKey ?? ""}
          </textarea>
          <Err errors={add?.errors} name="releaseSigningKey" id="repo-signing-key" />
          <div class="actions">
            <button type="submit">Register repository</button>
          </div>
        </form>
      </section>

      {props.repositories.length > 0 && (
        <section aria-labelledby="credentials-heading">
          <h2 id="credentials-heading">Credentials for private upstreams</h2>
          {props.repositories.map((r) => (
            <CredentialsForm r={r} csrfToken={props.csrfToken} problem={props.credentials} />
          ))}
          {props.repositories.map((r) => (
            <SigningKeyForm r={r} csrfToken={props.csrfToken} problem={props.signingKey} />
          ))}
        </section>
      )}
    </AdminLayout>
  );
}
