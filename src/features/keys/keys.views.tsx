import type { CurrentUser } from "../../core/actors.ts";
import { formatFingerprint, userIdEmails } from "../../domain/pgp-keys.ts";
import { AdminLayout } from "../../http/components/admin-layout.tsx";
import { FieldError } from "../../http/components/field.tsx";
import { Csrf, formatDate, Layout } from "../../http/layout.tsx";
import type { StoredMemberKey } from "./keys.repo.ts";
import { INTAKE_KEY_PATH, type PublicIntakeKey } from "./keys.service.ts";

type Errors = Record<string, string>;

function Fingerprint(props: { value: string; id?: string }) {
  return (
    <code class="mono fingerprint break" id={props.id}>
      {formatFingerprint(props.value)}
    </code>
  );
}

const expiry = (iso: string | null) => (iso ? formatDate(iso) : "never");

export interface MemberKeyPageProps {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  /** Whose key: the signed-in member, or the member an admin opened from the team page. */
  subject: { id: string; name: string; email: string; role: string };
  own: boolean;
  action: string;
  current: StoredMemberKey | null;
  /** What was pasted, kept when the key is refused. */
  pasted?: string;
  errors?: Errors;
  message?: string | null;
  done?: string | null;
}

/** Uploading a member's public key; a refused key comes back with the pasted text and the reason. */
export function MemberKeyPage(props: MemberKeyPageProps) {
  const { subject, current } = props;
  const failed = Boolean(props.errors && Object.keys(props.errors).length > 0);
  const title = props.own ? "My OpenPGP key" : `OpenPGP key of ${subject.name}`;
  const emails = current ? userIdEmails(current.userIds) : [];
  const mismatch = current && !emails.includes(subject.email.toLowerCase());
  const needsKey = subject.role === "admin" || subject.role === "responder";
  return (
    <Layout
      title={failed ? `Error: ${title}` : title}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active={props.own ? "my-key" : "admin"}
    >
      <div class="narrow">
        <h1>{title}</h1>
        {!props.own && (
          <p>
            <a href="/admin/team">Back to the team</a>
          </p>
        )}
        {props.done && (
          <div class="notice success" role="status" id="done">
            {props.done}
          </div>
        )}
        <p>
          Team notifications about reports are encrypted to this key, and it is published with its fingerprint
          on the <a href="/keys">keys page</a>.
          {needsKey && " Responders and admins need a valid key before reports can be assigned to them."}
        </p>

        <section class="card" aria-labelledby="current-key-heading" id="current-key">
          <h2 id="current-key-heading">Current key</h2>
          {current ? (
            <>
              <dl class="facts">
                <dt>Fingerprint</dt>
                <dd>
                  <Fingerprint value={current.fingerprint} id="fingerprint" />
                </dd>
                <dt>User IDs</dt>
                <dd>
                  {current.userIds.length === 0 ? (
                    <span class="muted">none</span>
                  ) : (
                    current.userIds.map((uid) => <div class="break">{uid}</div>)
                  )}
                </dd>
                <dt>Expires</dt>
                <dd>{expiry(current.expiresAt)}</dd>
                <dt>Uploaded</dt>
                <dd>{formatDate(current.uploadedAt)}</dd>
              </dl>
              {mismatch && (
                <p class="notice warn" id="uid-warning">
                  None of this key's user IDs is {subject.email}. It is accepted, but check that it is the
                  right key.
                </p>
              )}
              <form method="post" action={`${props.action}/remove`} class="inline">
                <Csrf token={props.csrfToken} />
                <button type="submit" class="secondary">
                  Remove this key
                </button>
              </form>
            </>
          ) : (
            <p class={needsKey ? "notice warn" : "muted"} id="no-key">
              No key uploaded yet.
            </p>
          )}
        </section>

        <section class="card" aria-labelledby="upload-heading">
          <h2 id="upload-heading">{current ? "Replace the key" : "Upload a key"}</h2>
          {props.message && (
            <div class="notice error" role="alert" id="key-problem">
              {props.message}
            </div>
          )}
          <form method="post" action={props.action} class="admin-form">
            <Csrf token={props.csrfToken} />
            <label for="key">
              ASCII-armored public key
              <span class="hint" id="key-hint">
                The output of <code>gpg --armor --export {subject.email}</code>. Never paste a private key.
              </span>
            </label>
            <textarea
              id="key"
              name="key"
              rows={12}
              class="mono"
              spellcheck={false}
              aria-invalid={props.errors?.key ? "true" : undefined}
              aria-describedby={props.errors?.key ? "key-hint key-error" : "key-hint"}
            >
              {props.pasted ?? ""}
            </textarea>
            <FieldError id="key" errors={props.errors} />
            <div class="actions">
              <button type="submit">{current ? "Replace key" : "Upload key"}</button>
            </div>
          </form>
        </section>
      </div>
    </Layout>
  );
}

export interface IntakeKeysPageProps {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  current: PublicIntakeKey;
  previous: readonly PublicIntakeKey[];
  address: string;
  importValues?: { key: string };
  importErrors?: Errors;
  importMessage?: string | null;
  done?: string | null;
}

/** The intake key: what researchers encrypt to and what signs security.txt; rotate or import. */
export function IntakeKeysPage(props: IntakeKeysPageProps) {
  const c = props.current;
  const failed = Boolean(props.importErrors && Object.keys(props.importErrors).length > 0);
  const covers = userIdEmails(c.userIds).includes(props.address.toLowerCase());
  return (
    <AdminLayout
      title="Intake key"
      section="keys"
      failed={failed}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
    >
      <h1>Intake key</h1>
      {props.done && (
        <div class="notice success" role="status" id="done">
          {props.done}
        </div>
      )}
      <section class="card" aria-labelledby="intake-current-heading" id="intake-current">
        <h2 id="intake-current-heading">Current key</h2>
        <p>
          Researchers encrypt reports and mail to this key; it signs security.txt. It is published at{" "}
          <a href={INTAKE_KEY_PATH}>{INTAKE_KEY_PATH}</a>, on the <a href="/keys">keys page</a> and in the Web
          Key Directory for {props.address}.
        </p>
        <dl class="facts">
          <dt>Fingerprint</dt>
          <dd>
            <Fingerprint value={c.fingerprint} id="intake-fingerprint" />
          </dd>
          <dt>User IDs</dt>
          <dd>
            {c.userIds.map((uid) => (
              <div class="break">{uid}</div>
            ))}
          </dd>
          <dt>Since</dt>
          <dd>
            {formatDate(c.createdAt)} ({c.source === "imported" ? "imported" : "generated here"})
          </dd>
        </dl>
        {!covers && (
          <p class="notice warn" id="address-warning">
            This key's user IDs do not name the security address {props.address}, so mail clients looking it
            up by address may not accept it. Rotate to generate a key for the current address, or import one.
          </p>
        )}
        <form method="post" action="/admin/keys/rotate" class="actions">
          <Csrf token={props.csrfToken} />
          <button type="submit">Generate a new key (rotate)</button>
          <p class="hint">The current key is kept below and still decrypts what was encrypted to it.</p>
        </form>
      </section>

      <section class="card" aria-labelledby="import-heading" id="import">
        <h2 id="import-heading">Import an existing key</h2>
        <p class="hint">
          The private key must be able to encrypt and sign. It is unlocked here and stored encrypted under the
          data key; the current key moves to the retired list.
        </p>
        {props.importMessage && (
          <div class="notice error" role="alert" id="import-problem">
            {props.importMessage}
          </div>
        )}
        <form method="post" action="/admin/keys/import" class="admin-form">
          <Csrf token={props.csrfToken} />
          <label for="key">
            ASCII-armored private key
            <span class="hint" id="import-key-hint">
              The output of <code>gpg --armor --export-secret-keys &lt;fingerprint&gt;</code>.
            </span>
          </label>
          <textarea
            id="key"
            name="key"
            rows={10}
            class="mono"
            spellcheck={false}
            autocomplete="off"
            aria-invalid={props.importErrors?.key ? "true" : undefined}
            aria-describedby="import-key-hint"
          >
            {props.importValues?.key ?? ""}
          </textarea>
          <FieldError id="key" errors={props.importErrors} />
          <label for="passphrase">
            Passphrase
            <span class="hint">Only if the key is protected by one. It is used once and not stored.</span>
          </label>
          <input
            type="password"
            id="passphrase"
            name="passphrase"
            autocomplete="off"
            aria-invalid={props.importErrors?.passphrase ? "true" : undefined}
          />
          <FieldError id="passphrase" errors={props.importErrors} />
          <div class="actions">
            <button type="submit">Import key</button>
          </div>
        </form>
      </section>

      <section class="card" aria-labelledby="retired-heading" id="retired">
        <h2 id="retired-heading">Retired keys</h2>
        {props.previous.length === 0 ? (
          <p class="muted">None yet.</p>
        ) : (
          <>
            <p class="hint">
              Still used to decrypt reports and mail encrypted to them; no longer published for new mail.
            </p>
            <ul class="plain-list">
              {props.previous.map((k) => (
                <li>
                  <Fingerprint value={k.fingerprint} />{" "}
                  <span class="muted small">
                    {formatDate(k.createdAt)} – {formatDate(k.retiredAt)}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </AdminLayout>
  );
}

export interface PublicKeysPageProps {
  orgName: string;
  user?: CurrentUser | null;
  intake: PublicIntakeKey;
  address: string;
  previous: readonly PublicIntakeKey[];
  members: ReadonlyArray<{ name: string; fingerprint: string; expiresAt: string | null }>;
}

/** Every key we publish, with fingerprints to compare over another channel. */
export function PublicKeysPage(props: PublicKeysPageProps) {
  const asc = (fpr: string) => `/keys/${fpr}.asc`;
  return (
    <Layout title="OpenPGP keys" orgName={props.orgName} user={props.user ?? null} active="keys" column>
      <h1>OpenPGP keys</h1>
      <section class="card" aria-labelledby="intake-heading" id="intake-key">
        <h2 id="intake-heading">Security team intake key</h2>
        <p>Encrypt reports and mail to {props.address} with this key. Our security.txt is signed with it.</p>
        <p>
          <Fingerprint value={props.intake.fingerprint} id="intake-fingerprint" />
        </p>
        <p>
          <a href={INTAKE_KEY_PATH} id="intake-download">
            Download the key
          </a>{" "}
          · <a href={asc(props.intake.fingerprint)}>by fingerprint</a>
        </p>
        <p class="hint">
          With GnuPG: <code>gpg --locate-keys {props.address}</code> (Web Key Directory), or download the key
          and run <code>gpg --import</code>. Compare the fingerprint above before you trust it.
        </p>
      </section>

      <section class="card" aria-labelledby="team-keys-heading" id="team-keys">
        <h2 id="team-keys-heading">Team members</h2>
        {props.members.length === 0 ? (
          <p class="muted">No team keys are published yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="keys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Fingerprint</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Key</th>
                </tr>
              </thead>
              <tbody>
                {props.members.map((m) => (
                  <tr>
                    <td>{m.name}</td>
                    <td>
                      <Fingerprint value={m.fingerprint} />
                    </td>
                    <td class="nowrap">{expiry(m.expiresAt)}</td>
                    <td>
                      <a href={asc(m.fingerprint)}>.asc</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {props.previous.length > 0 && (
        <section class="card" aria-labelledby="retired-keys-heading" id="retired-keys">
          <h2 id="retired-keys-heading">Retired intake keys</h2>
          <p class="hint">Do not encrypt to these; they are listed so older signatures can be checked.</p>
          <ul class="plain-list">
            {props.previous.map((k) => (
              <li>
                <Fingerprint value={k.fingerprint} /> <a href={asc(k.fingerprint)}>.asc</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}
