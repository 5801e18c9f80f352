import type { ReportsService } from "../reports/reports.service.ts";

type ReporterView = NonNullable<Awaited<ReturnType<ReportsService["reporterView"]>>>;

const METHOD_NAMES = { cvss: "CVSS", owasp: "OWASP Risk Rating" } as const;

/** The team's severity as the reporter sees it, once set and when the organisation shares it. */
export function SharedSeverityCard(props: { severity: ReporterView["sharedSeverity"] }) {
  const s = props.severity;
  if (!s) return null;
  return (
    <section class="card" aria-labelledby="severity-heading" id="severity">
      <h2 id="severity-heading">Our severity assessment</h2>
      <p>
        <span class={`badge sev-${s.level}`}>{s.level[0]!.toUpperCase() + s.level.slice(1)}</span>
        {s.score !== null && (
          <>
            {" "}
            <strong class="shared-score">{s.score.toFixed(1)}</strong>
          </>
        )}
        {s.method && (
          <span class="muted small">
            {" "}
            {METHOD_NAMES[s.method]}
            {s.version ? ` ${s.version}` : ""}
          </span>
        )}
      </p>
      {s.vector && (
        <dl class="facts">
          <dt>Vector</dt>
          <dd>
            <code class="break">{s.vector}</code>
          </dd>
        </dl>
      )}
    </section>
  );
}

/** What the reporter proposed at intake, as part of "Your report". */
export function ProposalFacts(props: { proposal: ReporterView["reporterProposal"] }) {
  const p = props.proposal;
  return (
    <>
      {p.affectedVersions.length > 0 && (
        <>
          <dt>Affected versions</dt>
          <dd>
            <ul class="plain-list versions">
              {p.affectedVersions.map((v) => (
                <li>
                  <code class="break">{v}</code>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {p.cvss && (
        <>
          <dt>Your CVSS vector</dt>
          <dd>
            <code class="break">{p.cvss}</code>
          </dd>
        </>
      )}
    </>
  );
}
