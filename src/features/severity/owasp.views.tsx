import {
  OWASP_FACTOR_CODES,
  OWASP_FACTORS,
  type OwaspFactor,
  type OwaspFactorCode,
  type OwaspRating,
} from "../../domain/owasp-risk.ts";
import { levelLabel } from "../../domain/severity-labels.ts";
import { VectorText } from "../../http/components/vector-text.tsx";
import { Csrf } from "../../http/layout.tsx";

export type SeverityImpact = "business" | "technical";

const GROUPS: ReadonlyArray<{ key: OwaspFactor["group"]; legend: string; hint: string }> = [
  { key: "threatAgent", legend: "Threat agent", hint: "Who could exploit this?" },
  { key: "vulnerability", legend: "Vulnerability", hint: "How easy is it to find and exploit?" },
  { key: "technical", legend: "Technical impact", hint: "What happens to data and services?" },
  { key: "business", legend: "Business impact", hint: "What does it cost the organisation?" },
];

/**
 * The official options of a factor with equal values merged into one entry, because a select can only send
 * the number and two labels with the same number are the same choice ("Developers / System administrators (2)").
 */
export function factorChoices(factor: OwaspFactor): {
  official: Array<{ value: number; label: string }>;
  other: number[];
} {
  const byValue = new Map<number, string[]>();
  for (const option of factor.options) {
    const labels = byValue.get(option.value) ?? [];
    labels.push(option.label);
    byValue.set(option.value, labels);
  }
  const official = [...byValue.entries()].map(([value, labels]) => ({
    value,
    label: `${labels.join(" / ")} (${value})`,
  }));
  const other = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((n) => !byValue.has(n));
  return { official, other };
}

/** The factor values of a canonical vector, for preselecting the form; anything unparsable gives none. */
export function factorValuesOf(vector: string | null | undefined): Partial<Record<OwaspFactorCode, string>> {
  const values: Partial<Record<OwaspFactorCode, string>> = {};
  if (!vector) return values;
  for (const part of vector.split("/")) {
    const [code, value] = part.split(":");
    if (code && value && (OWASP_FACTOR_CODES as readonly string[]).includes(code) && /^[0-9]$/.test(value)) {
      values[code as OwaspFactorCode] = value;
    }
  }
  return values;
}

/** Scores read best with at most three decimals and no trailing zeros (5.375, 4.5, 6). */
export function formatScore(n: number): string {
  return n.toFixed(3).replace(/\.?0+$/, "");
}

const LEVEL_CLASS: Record<string, string> = { LOW: "low", MEDIUM: "medium", HIGH: "high" };

/** Likelihood, both impacts, their levels and both severities, marking the one the organisation uses. */
export function OwaspResult(props: { rating: OwaspRating; impactUsed: SeverityImpact; title?: string }) {
  const r = props.rating;
  const used = props.impactUsed;
  return (
    <div class="owasp-result">
      {props.title && <h3>{props.title}</h3>}
      <dl class="facts">
        <dt>Vector</dt>
        <dd>
          <code class="owasp-vector">
            <VectorText vector={r.vector} />
          </code>
        </dd>
        <dt>Likelihood</dt>
        <dd>
          {formatScore(r.likelihood)}{" "}
          <span class={`badge level-${LEVEL_CLASS[r.likelihoodLevel]}`}>{levelLabel(r.likelihoodLevel)}</span>
        </dd>
        <dt>Technical impact</dt>
        <dd>
          {formatScore(r.technicalImpact)}{" "}
          <span class={`badge level-${LEVEL_CLASS[r.technicalImpactLevel]}`}>
            {levelLabel(r.technicalImpactLevel)}
          </span>
        </dd>
        <dt>Business impact</dt>
        <dd>
          {formatScore(r.businessImpact)}{" "}
          <span class={`badge level-${LEVEL_CLASS[r.businessImpactLevel]}`}>
            {levelLabel(r.businessImpactLevel)}
          </span>
        </dd>
        <dt>Severity (technical impact)</dt>
        <dd class={used === "technical" ? "used" : undefined}>
          <span class={`badge sev-${r.severityUsingTechnicalImpact.toLowerCase()}`}>
            {r.severityUsingTechnicalImpact}
          </span>
          {used === "technical" && <strong class="small"> ← sets the report's severity</strong>}
        </dd>
        <dt>Severity (business impact)</dt>
        <dd class={used === "business" ? "used" : undefined}>
          <span class={`badge sev-${r.severityUsingBusinessImpact.toLowerCase()}`}>
            {r.severityUsingBusinessImpact}
          </span>
          {used === "business" && <strong class="small"> ← sets the report's severity</strong>}
        </dd>
      </dl>
      <p class="muted small">
        The organisation setting uses the <strong>{used}</strong> impact for a report's severity.
      </p>
    </div>
  );
}

/** The live preview fragment (also the initial content of #owasp-preview): a rating, or what is wrong. */
export function OwaspPreview(props: {
  rating: OwaspRating | null;
  impactUsed: SeverityImpact;
  errors?: Record<string, string> | undefined;
}) {
  const messages = Object.values(props.errors ?? {});
  return (
    <div class="owasp-preview-body" aria-live="polite">
      {props.rating ? (
        <OwaspResult rating={props.rating} impactUsed={props.impactUsed} title="Preview" />
      ) : messages.length > 0 ? (
        <div class="notice warn owasp-preview-errors">
          <p>The rating cannot be computed yet:</p>
          <ul>
            {messages.map((m) => (
              <li>{m}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="muted small">Choose a value for every factor to see the rating.</p>
      )}
    </div>
  );
}

export interface OwaspFormsProps {
  reference: string;
  csrfToken: string | null;
  /** Preselected factor values: the typed ones after an error, or the report's current vector. */
  values: Partial<Record<string, string>>;
  reason?: string | undefined;
  /** The pasted vector after an error. */
  vector?: string | undefined;
  /** Errors keyed by factor code, by "owasp" (the pasted vector) or "reason". */
  errors?: Record<string, string> | undefined;
  /** Which form the errors belong to. */
  errorSource?: "factors" | "vector" | undefined;
  preview: OwaspRating | null;
  impactUsed: SeverityImpact;
}

/**
 * The OWASP Risk Rating forms of the set_severity action: sixteen factor selects (the server builds the vector)
 * and a one-field form for a pasted vector. With htmx the factor form previews the rating on every change;
 * the math stays on the server, so the preview and the stored rating can never disagree.
 */
export function OwaspForms(props: OwaspFormsProps) {
  const factorErrors = props.errorSource === "factors" ? (props.errors ?? {}) : {};
  const vectorErrors = props.errorSource === "vector" ? (props.errors ?? {}) : {};
  const action = `/reports/${props.reference}/actions`;
  return (
    <div class="owasp">
      <form
        method="post"
        action={action}
        class="owasp-factors"
        id="owasp-factors"
        hx-get={`/reports/${props.reference}/owasp-preview`}
        hx-trigger="change"
        hx-target="#owasp-preview"
        hx-include="closest form"
      >
        <Csrf token={props.csrfToken} />
        <input type="hidden" name="action" value="set_severity" />
        {GROUPS.map((group) => (
          <fieldset class="owasp-group">
            <legend>{group.legend}</legend>
            <p class="hint">{group.hint}</p>
            {OWASP_FACTORS.filter((f) => f.group === group.key).map((factor) => {
              const id = `owasp-${factor.code}`;
              const error = factorErrors[factor.code];
              const chosen = props.values[factor.code] ?? "";
              const { official, other } = factorChoices(factor);
              return (
                <div class="owasp-factor">
                  <label for={id}>
                    {factor.name} <span class="mono muted">({factor.code})</span>
                    <span class="hint">{factor.question}</span>
                  </label>
                  <select
                    id={id}
                    name={factor.code}
                    aria-invalid={error ? "true" : undefined}
                    aria-describedby={error ? `${id}-error` : undefined}
                  >
                    <option value="" selected={chosen === ""}>
                      Choose…
                    </option>
                    {official.map((o) => (
                      <option value={String(o.value)} selected={chosen === String(o.value)}>
                        {o.label}
                      </option>
                    ))}
                    <optgroup label="Other values">
                      {other.map((n) => (
                        <option value={String(n)} selected={chosen === String(n)}>
                          {String(n)}
                        </option>
                      ))}
                    </optgroup>
                  </select>
                  {error && (
                    <p class="field-error" id={`${id}-error`} role="alert">
                      {error}
                    </p>
                  )}
                </div>
              );
            })}
          </fieldset>
        ))}
        <label for="owasp-reason">
          Why this rating <span class="hint">Kept in the severity history with your name.</span>
        </label>
        <textarea id="owasp-reason" name="reason" rows={3}>
          {props.errorSource === "factors" ? (props.reason ?? "") : ""}
        </textarea>
        {factorErrors.reason && (
          <p class="field-error" role="alert">
            {factorErrors.reason}
          </p>
        )}
        <div id="owasp-preview" class="owasp-preview">
          <OwaspPreview rating={props.preview} impactUsed={props.impactUsed} />
        </div>
        <div class="actions">
          <button type="submit">Set severity from these factors</button>
        </div>
      </form>

      <form method="post" action={action} class="owasp-paste" id="owasp-paste">
        <Csrf token={props.csrfToken} />
        <input type="hidden" name="action" value="set_severity" />
        <label for="owasp-vector">
          Or paste a vector
          <span class="hint">
            All 16 factors in order:
            SL:n/M:n/O:n/S:n/ED:n/EE:n/A:n/ID:n/LC:n/LI:n/LAV:n/LAC:n/FD:n/RD:n/NC:n/PV:n
          </span>
        </label>
        <input
          type="text"
          id="owasp-vector"
          name="owasp"
          class="mono"
          autocomplete="off"
          spellcheck={false}
          value={props.vector ?? ""}
          aria-invalid={vectorErrors.owasp ? "true" : undefined}
          aria-describedby={vectorErrors.owasp ? "owasp-vector-error" : undefined}
        />
        {vectorErrors.owasp && (
          <p class="field-error" id="owasp-vector-error" role="alert">
            {vectorErrors.owasp}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="secondary">
            Set severity from vector
          </button>
        </div>
      </form>
    </div>
  );
}
