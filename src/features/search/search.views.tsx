import { raw } from "hono/html";
import { type ReportState, STATE_LABELS } from "../../domain/workflow.ts";
import { formatDate } from "../../http/layout.tsx";
import type { SimilarReport } from "./duplicates.service.ts";
import type { SearchSnippet } from "./search.service.ts";

/** Where a snippet was found, in the team's words. */
function snippetSource(snippet: Pick<SearchSnippet, "from" | "visibility" | "authorType">): string {
  if (snippet.from === "report") return "In the report";
  if (snippet.visibility === "internal") return "In an internal note";
  return snippet.authorType === "reporter"
    ? "In a message from the reporter"
    : "In a message to the reporter";
}

/**
 * One search result's snippet. Its HTML comes from snippetHtml, which escapes every character of the decrypted
 * text and adds only <mark>; nothing else is ever passed to raw().
 */
export function SearchSnippetLine(props: { snippet: SearchSnippet | null | undefined }) {
  const snippet = props.snippet;
  if (!snippet) return null;
  return (
    <p class="snippet small">
      <span class="muted">{snippetSource(snippet)}:</span>{" "}
      <span class="snippet-text">{raw(snippet.html)}</span>
    </p>
  );
}

export interface DuplicatesPanelProps {
  reference: string;
  similar: readonly SimilarReport[];
  duplicates: ReadonlyArray<{
    id: string;
    reference: string;
    title: string;
    receivedAt: Date;
    credit: string;
  }>;
  firstReported: { reportId: string; reference: string; receivedAt: Date; credit: string } | null;
  /** Whether the page may offer "mark as duplicate of this one" (the member may act and the state allows it). */
  canMark: boolean;
}

/** Below this score a "similar" report shares little more than common words, so it is not listed. */
const MIN_SHOWN_SCORE = 10;

/** The report page's panels: this report's duplicates and who was first, and the reports most like it. */
export function DuplicatesPanel(props: DuplicatesPanelProps) {
  const linked = new Set(props.duplicates.map((d) => d.id));
  const similar = props.similar.filter((s) => !linked.has(s.id) && s.score >= MIN_SHOWN_SCORE);
  const first = props.firstReported;
  return (
    <>
      {props.duplicates.length > 0 && (
        <section class="card" id="duplicates" aria-labelledby="duplicates-heading">
          <h2 id="duplicates-heading">Duplicates of this report</h2>
          {first && (
            <p class="small" id="first-reported">
              First reported by <strong>{first.credit}</strong> on {formatDate(first.receivedAt)}
              {first.reference === props.reference ? (
                " (this report)"
              ) : (
                <>
                  {" "}
                  in <a href={`/reports/${first.reference}`}>{first.reference}</a>
                </>
              )}
              .
            </p>
          )}
          <ul class="plain-list duplicates">
            {props.duplicates.map((d) => (
              <li>
                <a href={`/reports/${d.reference}`} class="mono">
                  {d.reference}
                </a>{" "}
                {d.title}
                <br />
                <span class="small muted">
                  Received {formatDate(d.receivedAt)} · credit: {d.credit}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="card" id="similar" aria-labelledby="similar-heading">
        <h2 id="similar-heading">Similar reports</h2>
        {similar.length === 0 ? (
          <p class="muted small">No similar reports found.</p>
        ) : (
          <ol class="plain-list similar">
            {similar.map((s) => (
              <li>
                <span class="badge similarity" title="Similarity of title, text and asset">
                  {s.score}%
                </span>{" "}
                <a href={`/reports/${s.reference}`} class="mono">
                  {s.reference}
                </a>{" "}
                {s.title}
                <br />
                <span class="small muted">
                  {STATE_LABELS[s.state as ReportState] ?? s.state}
                  {s.sameAsset ? " · same asset" : ""}
                  {s.duplicateOfId ? " · itself a duplicate" : ""} · received {formatDate(s.receivedAt)}
                </span>
                {props.canMark && (
                  <>
                    <br />
                    <a
                      class="small"
                      href={`/reports/${props.reference}?duplicate_of=${encodeURIComponent(s.reference)}#action-mark_duplicate`}
                    >
                      Mark as duplicate of {s.reference}
                    </a>
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** The org setting on /admin/settings: whether a duplicate's reporter is told the original's reference. */
export function DuplicateReferenceFieldset(props: { value: string | undefined; error?: string | undefined }) {
  const reveal = props.value === "true";
  return (
    <fieldset>
      <legend>What a duplicate's reporter is told</legend>
      <label class="choice">
        <input type="radio" name="revealDuplicateReference" value="false" checked={!reveal} /> Only that the
        issue was already reported (default)
      </label>
      <label class="choice">
        <input type="radio" name="revealDuplicateReference" value="true" checked={reveal} /> Also the original
        report's reference, e.g. EMB-2026-0001
      </label>
      <span class="hint">The reference tells the reporter that someone else found the same issue first.</span>
      {props.error && (
        <p class="field-error" id="org-duplicate-reference-error" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
