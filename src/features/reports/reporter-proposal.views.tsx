import { scoreCvss } from "../../domain/cvss.ts";
import { Csrf } from "../../http/layout.tsx";
import { canonicalCvssVector, headlineScore } from "../severity/cvss.form.ts";
import { CvssSeverityBadge } from "../severity/cvss.views.tsx";

/** The reporter's proposal as the team view carries it. */
export interface ReporterProposal {
  cvss: string | null;
  affectedVersions: readonly string[];
}

/** Where the one-click adoption posts. */
export const adoptCvssPath = (reference: string) => `/reports/${encodeURIComponent(reference)}/adopt-cvss`;

/**
 * The reporter's proposal beside the team's own score: labelled as the reporter's, scored by the same parser,
 * and adoptable in one click (a set_severity through the reports service, audited with its reason).
 */
export function ReporterProposalPanel(props: {
  reference: string;
  proposal: ReporterProposal;
  /** The team's current CVSS vector, canonical, to say when the proposal is already adopted. */
  currentCvss: string | null;
  canAct: boolean;
  csrfToken: string | null;
}) {
  const { proposal } = props;
  if (!proposal.cvss && proposal.affectedVersions.length === 0) return null;
  const scored = proposal.cvss ? scoreCvss(proposal.cvss) : null;
  const score = scored?.ok ? scored.value : null;
  const canonical = score ? canonicalCvssVector(score) : null;
  const headline = score ? headlineScore(score) : null;
  const adopted = canonical !== null && canonical === props.currentCvss;
  return (
    <div class="reporter-proposal" id="reporter-proposal">
      <h3>Proposed by the reporter</h3>
      <p class="muted small">The reporter’s own assessment, sent with the report; not the team’s score.</p>
      {proposal.affectedVersions.length > 0 && (
        <>
          <p class="small">
            <strong>Affected versions (reporter):</strong>
          </p>
          <ul class="plain-list versions small">
            {proposal.affectedVersions.map((v) => (
              <li>
                <code class="break">{v}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {proposal.cvss && (
        <>
          <p class="cvss-headline">
            <span class="muted small">Reporter’s CVSS{score ? ` ${score.version}` : ""}: </span>
            {headline && (
              <>
                <strong class="cvss-score">{headline.score.toFixed(1)}</strong>{" "}
                <CvssSeverityBadge severity={headline.severity} />
              </>
            )}
          </p>
          <p>
            <code class="cvss-vector break">{canonical ?? proposal.cvss}</code>
          </p>
          {adopted ? (
            <p class="small">
              <span class="badge">Adopted</span> This is the team’s current CVSS vector.
            </p>
          ) : (
            props.canAct &&
            score && (
              <form method="post" action={adoptCvssPath(props.reference)} class="inline">
                <Csrf token={props.csrfToken} />
                <button type="submit" class="secondary">
                  Adopt the reporter’s CVSS vector
                </button>
              </form>
            )
          )}
        </>
      )}
    </div>
  );
}
