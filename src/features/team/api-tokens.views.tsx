import type { CurrentUser } from "../../core/actors.ts";
import { Done, type FormProblem, Problem } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Field } from "../../http/components/field.tsx";
import { Layout } from "../../http/layout.tsx";
import { MAX_TOKEN_DAYS } from "./api-tokens.schema.ts";
import type { ApiTokenRow } from "./api-tokens.service.ts";

export type { ApiTokenRow };

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "never");

function TokenTable(props: {
  rows: ApiTokenRow[];
  csrfToken: string | null;
  showMember: boolean;
  empty: string;
}) {
  const columns = [
    ...(props.showMember ? ["Member"] : []),
    "Label",
    "Created",
    "Last used",
    "Expires",
    "State",
    "",
  ];
  return (
    <DataTable
      class="tokens"
      columns={columns}
      rows={props.rows}
      empty={props.empty}
      row={(t) => (
        <tr>
          {props.showMember && <td>{t.email}</td>}
          <td>{t.label || "(no label)"}</td>
          <td>{day(t.createdAt)}</td>
          <td>{day(t.lastUsedAt)}</td>
          <td>{day(t.expiresAt)}</td>
          <td>{t.revokedAt ? `revoked ${day(t.revokedAt)}` : "active"}</td>
          <td>
            {!t.revokedAt && (
              <form method="post" action={`/account/tokens/${t.id}/revoke`} class="inline">
                <input type="hidden" name="_csrf" value={props.csrfToken ?? ""} />
                <button
                  type="submit"
                  class="secondary"
                  aria-label={`Revoke ${t.label || "token"} of ${t.email}`}
                >
                  Revoke
                </button>
              </form>
            )}
          </td>
        </tr>
      )}
    />
  );
}

/** The member's API tokens: a form to create one, the new secret once, and the list with revoke buttons. */
export function ApiTokensPage(props: {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  own: ApiTokenRow[];
  /** Everyone else's tokens, for admins; null for other members. */
  others: ApiTokenRow[] | null;
  created: { token: string; label: string; expiresAt: Date } | null;
  problem: FormProblem | null;
  values: Record<string, string>;
  done: string | null;
}) {
  const errors = props.problem?.errors;
  return (
    <Layout
      title={props.problem ? "Error: API tokens" : "API tokens"}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="api-tokens"
    >
      <h1>API tokens</h1>
      <p class="muted">
        Scripts use a token as <code>Authorization: Bearer &lt;token&gt;</code>. Each token ends on its expiry
        date, and all your tokens are revoked when your password changes or your account is deactivated.
      </p>
      <Done message={props.done} />
      {props.created && (
        <div class="notice success" role="status" id="new-token">
          <p>
            Your new token{props.created.label ? ` "${props.created.label}"` : ""} expires on{" "}
            {day(props.created.expiresAt)}. Copy it now: it is shown only once.
          </p>
          <p>
            <code id="token-secret" class="break">
              {props.created.token}
            </code>
          </p>
        </div>
      )}
      <Problem problem={props.problem} id="token-error" />
      <section class="card">
        <h2>Create a token</h2>
        <form method="post" action="/account/tokens" class="form-grid">
          <input type="hidden" name="_csrf" value={props.csrfToken ?? ""} />
          <Field
            id="token-label"
            name="label"
            label="Label"
            hint="What the token is for."
            value={props.values.label ?? ""}
            errors={errors}
            maxlength={100}
          />
          <Field
            id="token-days"
            name="expiresDays"
            label="Expires after (days)"
            hint={`1 to ${MAX_TOKEN_DAYS}.`}
            type="number"
            min={1}
            max={MAX_TOKEN_DAYS}
            value={props.values.expiresDays ?? ""}
            errors={errors}
            required
          />
          <div class="actions">
            <button type="submit">Create token</button>
          </div>
        </form>
      </section>
      <h2>Your tokens</h2>
      <TokenTable
        rows={props.own}
        csrfToken={props.csrfToken}
        showMember={false}
        empty="You have no API tokens."
      />
      {props.others && (
        <>
          <h2>Other members' tokens</h2>
          <TokenTable
            rows={props.others}
            csrfToken={props.csrfToken}
            showMember={true}
            empty="No other member has an API token."
          />
        </>
      )}
    </Layout>
  );
}
