import type { CurrentUser } from "../../core/actors.ts";
import type { AdvisoryState } from "../../domain/advisory-review.ts";
import { ADVISORY_STATE_LABELS, ADVISORY_STATES } from "../../domain/advisory-review.ts";
import { Done, type FormProblem, Problem } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Csrf, formatDate, Layout } from "../../http/layout.tsx";
import { AdvisoryDocument } from "./advisory-preview.views.tsx";
import type { AdvisoryPreview, AdvisorySummary, AdvisoryView } from "./advisory-views.service.ts";
import type { EditorValues } from "./editor.form.ts";
import { EditorForm } from "./editor.views.tsx";

export interface PageFrame {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
}

/** /manage/advisories: every advisory with its state, id, title and reports. */
export function AdvisoryListPage(
  props: PageFrame & { items: readonly AdvisorySummary[]; state: AdvisoryState | null },
) {
  return (
    <Layout
      title="Advisories"
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="advisories"
    >
      <div class="back-row">
        <h1>Advisories</h1>
        {props.user.role !== "viewer" && (
          <a href="/manage/advisories/new" class="button">
            New advisory
          </a>
        )}
      </div>
      <nav class="kind-tabs" aria-label="Advisory states">
        <a href="/manage/advisories" aria-current={props.state === null ? "page" : undefined}>
          All
        </a>
        {ADVISORY_STATES.map((s) => (
          <a href={`/manage/advisories?state=${s}`} aria-current={props.state === s ? "page" : undefined}>
            {ADVISORY_STATE_LABELS[s]}
          </a>
        ))}
      </nav>
      <DataTable
        class="advisory-list"
        columns={["Advisory", "State", "Reports", "Updated"]}
        rows={props.items}
        empty="No advisory yet. Draft one from a confirmed report's page, or with New advisory."
        row={(a) => (
          <tr>
            <td>
              <a href={`/manage/advisories/${a.id}`} class="mono nowrap">
                {a.publicId}
              </a>
              <span class="block">{a.title}</span>
            </td>
            <td>
              <span class={`state state-${a.state}`}>{a.stateLabel}</span>
            </td>
            <td class="mono nowrap">
              {a.reports.map((r) => (
                <a href={`/reports/${r.reference}`} class="block">
                  {r.reference}
                </a>
              ))}
            </td>
            <td class="nowrap">{formatDate(a.updatedAt)}</td>
          </tr>
        )}
      />
    </Layout>
  );
}

function PreviewSection(props: { preview: AdvisoryPreview | null }) {
  if (!props.preview) return null;
  return (
    <section class="card advisory-preview" id="preview" aria-label="Preview">
      <p class="notice">Preview: the public page as it would read with the text below. Nothing was saved.</p>
      <AdvisoryDocument preview={props.preview} />
    </section>
  );
}

/** /manage/advisories/new: the editor with no advisory yet, prefilled from a report when one is named. */
export function NewAdvisoryPage(
  props: PageFrame & { values: EditorValues; problem: FormProblem | null; preview: AdvisoryPreview | null },
) {
  return (
    <Layout
      title="New advisory"
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="advisories"
    >
      <p>
        <a href="/manage/advisories">← Advisories</a>
      </p>
      <h1>New advisory</h1>
      <Problem problem={props.problem} id="editor-error" />
      <PreviewSection preview={props.preview} />
      <section class="card">
        <h2>The draft</h2>
        <EditorForm
          action="/manage/advisories"
          csrfToken={props.csrfToken}
          values={props.values}
          errors={props.problem?.errors ?? {}}
          published={false}
          saveLabel="Create the draft"
        />
      </section>
    </Layout>
  );
}

const ACTIONS_BY_STATE: Record<AdvisoryState, { action: string; label: string; secondary?: boolean }[]> = {
  draft: [{ action: "submit", label: "Submit for review" }],
  in_review: [
    { action: "approve", label: "Approve" },
    { action: "request_changes", label: "Request changes", secondary: true },
  ],
  approved: [{ action: "request_changes", label: "Request changes", secondary: true }],
  published: [{ action: "withdraw", label: "Withdraw", secondary: true }],
  withdrawn: [],
};

function Facts(props: { a: AdvisoryView }) {
  const { a } = props;
  return (
    <dl class="grid">
      <div>
        <dt>State</dt>
        <dd>
          <span class={`state state-${a.state}`}>{a.stateLabel}</span>
        </dd>
      </div>
      <div>
        <dt>Reports</dt>
        <dd class="mono">
          {a.reports.map((r) => (
            <a href={`/reports/${r.reference}`} class="block">
              {r.reference}
            </a>
          ))}
        </dd>
      </div>
      <div>
        <dt>Last edited by</dt>
        <dd>{a.lastEditor.name}</dd>
      </div>
      <div>
        <dt>Approved by</dt>
        <dd>{a.approvedBy ? `${a.approvedBy.name}, ${formatDate(a.approvedAt)}` : "nobody yet"}</dd>
      </div>
      <div>
        <dt>Shared with the reporter</dt>
        <dd>{a.sharedAt ? formatDate(a.sharedAt) : "no"}</dd>
      </div>
      <div>
        <dt>Published</dt>
        <dd>{a.publishedAt ? formatDate(a.publishedAt) : "not yet"}</dd>
      </div>
    </dl>
  );
}

/** /manage/advisories/:id: the facts, the preview, the editor, the review, sharing, comments and revisions. */
export function AdvisoryEditorPage(
  props: PageFrame & {
    advisory: AdvisoryView;
    values: EditorValues;
    problem: FormProblem | null;
    reviewProblem: FormProblem | null;
    commentProblem: FormProblem | null;
    preview: AdvisoryPreview | null;
    /** The current text, shown read-only to those who cannot edit it (viewers; a withdrawn advisory). */
    current: AdvisoryPreview | null;
    done: string | null;
  },
) {
  const a = props.advisory;
  const base = `/manage/advisories/${a.id}`;
  const canAct = props.user.role !== "viewer";
  const shareable = a.state === "draft" || a.state === "in_review" || a.state === "approved";
  return (
    <Layout
      title={`${a.publicId} ${a.title}`}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="advisories"
    >
      <p>
        <a href="/manage/advisories">← Advisories</a>
      </p>
      <h1 class="break">
        <span class="mono">{a.publicId}</span> {a.title}
      </h1>
      <Done message={props.done} />
      <section class="card">
        <Facts a={a} />
        {a.withdrawnAt && (
          <p class="notice error">
            Withdrawn {formatDate(a.withdrawnAt)}: {a.withdrawnReason}
          </p>
        )}
      </section>
      {canAct && ACTIONS_BY_STATE[a.state].length > 0 && (
        <section class="card" id="review">
          <h2>Review</h2>
          <Problem problem={props.reviewProblem} id="review-error" />
          <form method="post" action={`${base}/actions`} class="stack">
            <Csrf token={props.csrfToken} />
            <label for="review-message">
              Message <span class="hint">What should change, or why it is withdrawn (shown publicly).</span>
            </label>
            <textarea id="review-message" name="message" rows={3}>
              {props.reviewProblem?.values.message ?? ""}
            </textarea>
            <div class="action-buttons">
              {ACTIONS_BY_STATE[a.state].map((x) => (
                <button
                  type="submit"
                  name="action"
                  value={x.action}
                  class={x.secondary ? "secondary" : undefined}
                >
                  {x.label}
                </button>
              ))}
            </div>
          </form>
        </section>
      )}
      <Problem problem={props.problem} id="editor-error" />
      <PreviewSection preview={props.preview} />
      {canAct && a.state !== "withdrawn" ? (
        <section class="card">
          <h2>Edit</h2>
          {a.state === "approved" && (
            <p class="hint">Saving a change returns the advisory to draft; it needs approval again.</p>
          )}
          <EditorForm
            action={base}
            csrfToken={props.csrfToken}
            values={props.values}
            errors={props.problem?.errors ?? {}}
            published={a.state === "published"}
            saveLabel={a.state === "published" ? "Publish the revision" : "Save"}
          />
        </section>
      ) : (
        props.current && (
          <section class="card">
            <AdvisoryDocument preview={props.current} draft={a.publishedAt === null} />
          </section>
        )
      )}
      <section class="card" id="reporter">
        <h2>The reporter's view</h2>
        {a.sharedAt ? (
          <p>
            Shared with the reporters of the covered reports on {formatDate(a.sharedAt)}: they read the draft
            on their tracking page and may comment.
          </p>
        ) : shareable && canAct ? (
          <form method="post" action={`${base}/share`}>
            <Csrf token={props.csrfToken} />
            <p class="hint">
              The reporters of the covered reports will see this draft on their tracking page and may comment
              on it.
            </p>
            <button type="submit" class="secondary">
              Share with the reporter
            </button>
          </form>
        ) : (
          <p class="muted">Not shared.</p>
        )}
        <h3>Comments</h3>
        {a.comments.length === 0 ? (
          <p class="muted">No comments yet.</p>
        ) : (
          <ol class="messages">
            {a.comments.map((c) => (
              <li class="message">
                <p class="small muted">
                  {c.author}, {formatDate(c.at)}
                </p>
                <p class="body">{c.body}</p>
              </li>
            ))}
          </ol>
        )}
        {canAct && (
          <form method="post" action={`${base}/comments`} class="stack" id="comment">
            <Csrf token={props.csrfToken} />
            <Problem problem={props.commentProblem} id="comment-error" />
            <label for="comment-body">Reply</label>
            <textarea
              id="comment-body"
              name="body"
              rows={3}
              aria-invalid={props.commentProblem?.errors.body ? "true" : undefined}
            >
              {props.commentProblem?.values.body ?? ""}
            </textarea>
            <div class="actions">
              <button type="submit" class="secondary">
                Post the reply
              </button>
            </div>
          </form>
        )}
      </section>
      <section class="card" id="revisions">
        <h2>Revision history</h2>
        {a.revisions.length === 0 ? (
          <p class="muted">Not published yet: revision 1 is the publication.</p>
        ) : (
          <ol>
            {a.revisions.map((r) => (
              <li>
                Revision {r.number}, {formatDate(r.at)}
                {r.actor ? ` by ${r.actor.name}` : ""}: {r.summary}
              </li>
            ))}
          </ol>
        )}
      </section>
    </Layout>
  );
}
