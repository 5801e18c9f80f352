// The "Draft advisory" section of the reporter's tracking page: each draft a member shared with them, as the
// public page would read it, with their comments, the team's replies and a comment form (no JavaScript needed).

import { formatDate } from "../../http/layout.tsx";
import { AdvisoryDocument } from "./advisory-preview.views.tsx";
import type { ReporterDraft } from "./draft-sharing.service.ts";

/** A refused comment: which draft, what was typed and why. */
export interface DraftCommentProblem {
  advisoryId: string;
  body: string;
  errors: Record<string, string>;
}

export function DraftAdvisorySection(props: {
  token: string;
  drafts: readonly ReporterDraft[];
  problem: DraftCommentProblem | null;
}) {
  if (props.drafts.length === 0) return null;
  return (
    <>
      {props.drafts.map((d) => {
        const problem = props.problem?.advisoryId === d.id ? props.problem : null;
        const fieldId = `draft-${d.id}-comment`;
        return (
          <section class="card" aria-labelledby={`draft-${d.id}-heading`} id={`draft-${d.id}`}>
            <h2 id={`draft-${d.id}-heading`}>Draft advisory</h2>
            <p class="muted small">
              The team shared this draft with you on {formatDate(d.sharedAt)}. It is not public yet: please
              keep it confidential, and tell them below if anything is wrong or missing.
            </p>
            <AdvisoryDocument
              draft
              preview={{
                record: {
                  id: d.publicId,
                  ...d.content,
                  credits: d.content.teamCredits.map((c) => ({ name: c.name, role: c.role })),
                  published: d.sharedAt,
                  modified: d.sharedAt,
                  withdrawn: null,
                  revisions: [],
                  url: "",
                },
                severity: d.severity,
              }}
            />
            <h3>Comments</h3>
            {d.comments.length === 0 ? (
              <p class="muted">No comments yet.</p>
            ) : (
              <ol class="messages">
                {d.comments.map((c) => (
                  <li class="message">
                    <p class="small muted">
                      {c.from === "you" ? "You" : "Security team"}, {formatDate(c.at)}
                    </p>
                    <p class="body">{c.body}</p>
                  </li>
                ))}
              </ol>
            )}
            <form
              method="post"
              action={`/r/${props.token}/advisories/${d.id}/comments`}
              class="stack"
              id={`draft-${d.id}-form`}
            >
              <label for={fieldId}>Your comment on the draft</label>
              <textarea
                id={fieldId}
                name="body"
                rows={4}
                required
                aria-invalid={problem?.errors.body ? "true" : undefined}
                aria-describedby={problem?.errors.body ? `${fieldId}-error` : undefined}
              >
                {problem?.body ?? ""}
              </textarea>
              {problem?.errors.body && (
                <p class="field-error" id={`${fieldId}-error`} role="alert">
                  {problem.errors.body}
                </p>
              )}
              <div class="actions">
                <button type="submit">Send the comment</button>
              </div>
            </form>
          </section>
        );
      })}
    </>
  );
}
