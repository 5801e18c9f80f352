import { levelLabel } from "../../domain/severity-labels.ts";
import { VectorText } from "../../http/components/vector-text.tsx";
import { formatDate } from "../../http/layout.tsx";
import { METHOD_LABELS, type SeverityMethod } from "./severity-methods.data.ts";

/** One stored score as the report view carries it. */
export interface SeverityHistoryItem {
  method: string;
  vector: string;
  severity: string;
  score: number | null;
  version: string | null;
  setsReportSeverity: boolean;
  reason: string;
  setBy: string | null;
  at: Date;
}

const methodLabel = (m: string) => METHOD_LABELS[m as SeverityMethod] ?? m.toUpperCase();

/** Which method sets severities here, in one sentence. */
export function SeveritySourceLine(props: { source: SeverityMethod }) {
  return (
    <p class="muted small severity-source">
      Severity comes from <strong>{METHOD_LABELS[props.source]}</strong> (organisation setting).
    </p>
  );
}

/**
 * Every score ever given, newest first: method, vector, score, severity, who, when and why. A score that did not
 * change the report's severity, because the organisation uses the other method, says so.
 */
export function SeverityHistory(props: { items: readonly SeverityHistoryItem[] }) {
  if (props.items.length === 0) return <p class="muted small">No score has been recorded.</p>;
  return (
    <ol class="severity-history plain-list">
      {props.items.map((s) => (
        <li class={s.setsReportSeverity ? "applied" : "recorded-only"}>
          <span class="method">{methodLabel(s.method)}</span>
          {s.version && <span class="muted small"> {s.version}</span>}
          {s.score !== null && <strong class="history-score"> {s.score.toFixed(1)}</strong>}{" "}
          <span class={`badge sev-${s.severity}`}>{levelLabel(s.severity)}</span> by{" "}
          {s.setBy ?? "a former member"}, <time datetime={s.at.toISOString()}>{formatDate(s.at)}</time>
          <br />
          <code class="small break">
            <VectorText vector={s.vector} />
          </code>
          {!s.setsReportSeverity && (
            <p class="small recorded-note">
              Recorded only: this score did not change the report's severity, because the organisation takes
              severity from {s.method === "cvss" ? METHOD_LABELS.owasp : METHOD_LABELS.cvss}.
            </p>
          )}
          {s.reason ? (
            <p class="small reason">Why: {s.reason}</p>
          ) : (
            <p class="small muted">No reason given.</p>
          )}
        </li>
      ))}
    </ol>
  );
}
