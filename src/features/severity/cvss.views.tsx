import {
  CVSS_METRICS,
  type CvssMetricDefinition,
  type CvssMetricGroup,
  type CvssScore,
  type CvssSeverity,
  type CvssVersion,
  cvssGroupsSet,
  cvssReportSeverity,
} from "../../domain/cvss.ts";
import { VectorText } from "../../http/components/vector-text.tsx";
import { Csrf } from "../../http/layout.tsx";
import { CALCULATOR_VERSIONS, type CvssFormState, headlineScore, metricField } from "./cvss.form.ts";
import type { SeverityMethod } from "./severity-methods.data.ts";

const VERSION_LABELS: Record<CvssVersion, string> = {
  "3.1": "CVSS 3.1",
  "4.0": "CVSS 4.0",
  "3.0": "CVSS 3.0 (legacy)",
};

const GROUP_LABELS: Record<CvssMetricGroup, string> = {
  base: "Base metrics",
  temporal: "Temporal metrics (optional)",
  threat: "Threat metrics (optional)",
  environmental: "Environmental metrics (optional)",
  supplemental: "Supplemental metrics (optional; they do not change the score)",
};

const GROUP_ORDER: readonly CvssMetricGroup[] = [
  "base",
  "temporal",
  "threat",
  "environmental",
  "supplemental",
];

/** The report-scale severity a CVSS severity maps to: "None" is a note. */
export function CvssSeverityBadge(props: { severity: CvssSeverity }) {
  const sev = cvssReportSeverity(props.severity);
  return (
    <span class={`badge sev-${sev}`}>
      {props.severity}
      {props.severity === "None" && " (note)"}
    </span>
  );
}

/** The scores of one vector: the headline score and severity, the vector, and for 3.x every group's score. */
export function CvssResult(props: { score: CvssScore; vector: string; title?: string }) {
  const { score } = props;
  const headline = headlineScore(score);
  // Temporal and environmental scores only when their metrics were set; unset, they repeat the base score.
  const set = cvssGroupsSet(score.version, score.metrics);
  return (
    <div class="cvss-result">
      {props.title && <h3>{props.title}</h3>}
      <p class="cvss-headline">
        <span class="cvss-score" data-cvss-score={headline.score.toFixed(1)}>
          {headline.score.toFixed(1)}
        </span>{" "}
        <CvssSeverityBadge severity={headline.severity} />{" "}
        <span class="muted small">
          CVSS {score.version} {headline.kind.startsWith("CVSS-") ? headline.kind : `${headline.kind} score`}
        </span>
      </p>
      <dl class="facts">
        <dt>Vector</dt>
        <dd>
          <code class="cvss-vector">
            <VectorText vector={props.vector} />
          </code>
        </dd>
        {score.version !== "4.0" && (
          <>
            <dt>Base</dt>
            <dd>
              {score.baseScore.toFixed(1)} <CvssSeverityBadge severity={score.baseSeverity} />
            </dd>
            {set.has("temporal") && (
              <>
                <dt>Temporal</dt>
                <dd>
                  {score.temporalScore.toFixed(1)} <CvssSeverityBadge severity={score.temporalSeverity} />
                </dd>
              </>
            )}
            {set.has("environmental") && (
              <>
                <dt>Environmental</dt>
                <dd>
                  {score.environmentalScore.toFixed(1)}{" "}
                  <CvssSeverityBadge severity={score.environmentalSeverity} />
                </dd>
              </>
            )}
          </>
        )}
      </dl>
    </div>
  );
}

/** Says in words whether a CVSS score sets the report's severity under the organisation's setting. */
export function SourceNote(props: { source: SeverityMethod; method: SeverityMethod }) {
  if (props.source === props.method) {
    return (
      <p class="muted small source-note">
        The organisation takes a report's severity from{" "}
        {props.method === "cvss" ? "CVSS" : "OWASP Risk Rating"}: this score sets the report's severity.
      </p>
    );
  }
  return (
    <p class="notice warn small source-note">
      The organisation takes a report's severity from {props.source === "cvss" ? "CVSS" : "OWASP Risk Rating"}
      . {props.method === "cvss" ? "A CVSS score" : "An OWASP rating"} is kept in the severity history but
      does not change the report's severity.
    </p>
  );
}

/** The live preview: the score, severity and vector, or what is still missing. */
export function CvssPreview(props: { state: CvssFormState; source: SeverityMethod }) {
  const { state } = props;
  return (
    <div id="cvss-preview" class="owasp-preview cvss-preview" aria-live="polite">
      {state.score && state.vector ? (
        <>
          <CvssResult score={state.score} vector={state.vector} title="Preview" />
          <SourceNote source={props.source} method="cvss" />
        </>
      ) : state.errors.cvss ? (
        <p class="notice warn small">The score cannot be computed: fix the vector, or choose the metrics.</p>
      ) : (
        <p class="muted small cvss-missing">
          {state.missing === 1
            ? "Choose the last base metric to see the score."
            : `Choose a value for every base metric to see the score (${state.missing} to go).`}
        </p>
      )}
    </div>
  );
}

function MetricSelect(props: { def: CvssMetricDefinition; state: CvssFormState; showErrors: boolean }) {
  const { def, state } = props;
  const name = metricField(def.code);
  const id = `cvss-${name}`;
  const error = props.showErrors ? state.errors[name] : undefined;
  const chosen = state.values[def.code] ?? "";
  return (
    <div class="owasp-factor cvss-metric">
      <label for={id}>
        {def.name} <span class="mono muted">({def.code})</span>
      </label>
      <select
        id={id}
        name={name}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {def.mandatory && (
          <option value="" selected={chosen === ""}>
            Choose…
          </option>
        )}
        {def.values.map((v) => (
          <option value={v.code} selected={chosen === v.code}>
            {v.name} ({v.code})
          </option>
        ))}
      </select>
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The part of the calculator that htmx replaces on every change: version, vector field, one select per metric
 * of that version, and the preview. The selects and the field keep their ids, so htmx keeps focus on them.
 */
export function CvssLive(props: { state: CvssFormState; source: SeverityMethod; showErrors: boolean }) {
  const { state } = props;
  const defs = CVSS_METRICS[state.version];
  const vectorError = state.errors.cvss;
  return (
    <>
      <div class="cvss-top">
        <div>
          <label for="cvss-version">CVSS version</label>
          <select id="cvss-version" name="cvss_version">
            {CALCULATOR_VERSIONS.map((v) => (
              <option value={v} selected={state.version === v}>
                {VERSION_LABELS[v]}
              </option>
            ))}
          </select>
          {state.errors.cvss_version && (
            <p class="field-error" role="alert">
              {state.errors.cvss_version}
            </p>
          )}
        </div>
        <div class="cvss-vector-field">
          <label for="cvss-vector">
            Vector
            <span class="hint">
              Paste a full vector (CVSS:3.1/… or CVSS:4.0/…) and press Preview: it fills the selects. Changing
              a select updates it.
            </span>
          </label>
          <input
            type="text"
            id="cvss-vector"
            name="cvss"
            class="mono"
            autocomplete="off"
            spellcheck={false}
            value={state.vectorText}
            aria-invalid={vectorError ? "true" : undefined}
            aria-describedby={vectorError ? "cvss-vector-error" : undefined}
          />
          <input type="hidden" name="cvss_loaded" value={state.loaded} />
          {vectorError && (
            <p class="field-error" id="cvss-vector-error" role="alert">
              {vectorError}
            </p>
          )}
        </div>
      </div>
      {GROUP_ORDER.map((group) => {
        const inGroup = defs.filter((d) => d.group === group);
        if (inGroup.length === 0) return null;
        const fields = (
          <div class="owasp-group cvss-group">
            {inGroup.map((def) => (
              <MetricSelect def={def} state={state} showErrors={props.showErrors} />
            ))}
          </div>
        );
        if (group === "base") {
          return (
            <fieldset class="cvss-base">
              <legend>{GROUP_LABELS.base}</legend>
              {fields}
            </fieldset>
          );
        }
        const used = inGroup.some((d) => {
          const v = state.values[d.code];
          return (v !== undefined && v !== "X") || state.errors[metricField(d.code)] !== undefined;
        });
        return (
          <details class="cvss-optional" open={used}>
            <summary>{GROUP_LABELS[group]}</summary>
            {fields}
          </details>
        );
      })}
      <CvssPreview state={state} source={props.source} />
    </>
  );
}

export interface CvssCalculatorProps {
  reference: string;
  csrfToken: string | null;
  state: CvssFormState;
  source: SeverityMethod;
  /** Field errors show after a submit, not while the live preview is filling in. */
  showErrors: boolean;
  /** A refused submit's summary. */
  message?: string | null | undefined;
  open: boolean;
  hasSeverity: boolean;
}

/**
 * The CVSS calculator of the set_severity action. Without JavaScript, Preview posts the form and the page comes
 * back with the score; Set severity stores it with the reason. With htmx, every change asks the server for the
 * new selects and score, so the preview and the stored score come from the same code.
 */
export function CvssCalculator(props: CvssCalculatorProps) {
  const ref = props.reference;
  return (
    <details class="action cvss" id="cvss" open={props.open}>
      <summary>
        {props.hasSeverity ? "Change severity (CVSS calculator)" : "Set severity (CVSS calculator)"}
      </summary>
      <form
        method="post"
        action={`/reports/${ref}/actions`}
        class="cvss-calc"
        id="cvss-calc"
        hx-get={`/reports/${ref}/cvss-calc`}
        hx-trigger="change"
        hx-target="#cvss-live"
        hx-include="closest form"
        hx-sync="this:replace"
      >
        <Csrf token={props.csrfToken} />
        <input type="hidden" name="action" value="set_severity" />
        <input type="hidden" name="method" value="cvss" />
        <div id="cvss-live">
          <CvssLive state={props.state} source={props.source} showErrors={props.showErrors} />
        </div>
        <label for="cvss-reason">
          Why this score <span class="hint">Kept in the severity history with your name.</span>
        </label>
        <textarea id="cvss-reason" name="reason" rows={3}>
          {props.state.reason}
        </textarea>
        {props.message && (
          <p class="field-error action-error" id="cvss-error" role="alert">
            {props.message}
          </p>
        )}
        <div class="actions">
          <button type="submit" name="intent" value="preview" class="secondary">
            Preview
          </button>
          <button type="submit" name="intent" value="save">
            Set severity
          </button>
        </div>
      </form>
    </details>
  );
}

/** What the report page needs for CVSS: the calculator's state and the current CVSS score. */
export interface CvssPageProps {
  source: SeverityMethod;
  form: CvssFormState;
  showErrors: boolean;
  message?: string | null | undefined;
  /** Open the calculator (after a Preview or a refused submit). */
  open: boolean;
  current: { score: CvssScore; vector: string } | null;
}
