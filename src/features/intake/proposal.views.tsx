import { MAX_AFFECTED_VERSIONS, MAX_VERSION_LENGTH } from "../../domain/affected-versions.ts";
import type { CvssScore } from "../../domain/cvss.ts";
import { describedBy, invalid } from "../../http/components/error-summary.tsx";
import { FieldError } from "../../http/components/field.tsx";
import { MAX_PROPOSED_CVSS_LENGTH } from "../reports/reports.schema.ts";
import { headlineScore } from "../severity/cvss.form.ts";
import { CvssSeverityBadge } from "../severity/cvss.views.tsx";

/** Where the form asks the server to check a proposed vector while it is typed (htmx; read-only). */
export const CVSS_CHECK_PATH = "/report/cvss-check";

const EXAMPLE_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

type Values = Record<string, string>;
type Errors = Record<string, string>;

/** What the live check found: nothing typed, a scored vector, or the parser's complaint. */
export type CvssCheckResult =
  | { kind: "empty" }
  | { kind: "valid"; score: CvssScore }
  | { kind: "invalid"; message: string };

/** The live check's answer under the vector field; the same words the submission would give. */
export function CvssCheck(props: { result: CvssCheckResult }) {
  const { result } = props;
  if (result.kind === "empty") return <span class="muted small">No vector given: that is fine.</span>;
  if (result.kind === "invalid") return <span class="cvss-check-error small">{result.message}</span>;
  const headline = headlineScore(result.score);
  return (
    <span class="cvss-check-ok small">
      Valid CVSS {result.score.version} vector: {headline.kind} score{" "}
      <strong>{headline.score.toFixed(1)}</strong> <CvssSeverityBadge severity={headline.severity} />
    </span>
  );
}

/**
 * The optional technical details of the report form: affected versions and a proposed CVSS vector. They sit
 * under their own heading, so "optional" is said once for exactly these two fields.
 */
export function ProposalFields(props: { values: Values; errors: Errors | undefined }) {
  const v = props.values;
  const e = props.errors;
  return (
    <fieldset class="proposal">
      <legend>Versions and severity (optional)</legend>
      <p class="hint" id="proposal-hint">
        Like on GitHub Security Advisories or HackerOne, you may tell us which versions are affected and
        propose a CVSS score. We make our own assessment and show you our score on your report’s page.
      </p>

      <label for="affectedVersions">
        Affected versions
        <span class="hint" id="affectedVersions-hint">
          One version or range per line, e.g. “2.3.0” or “&gt;= 2.0, &lt; 2.4.1”. At most{" "}
          {MAX_AFFECTED_VERSIONS} lines of up to {MAX_VERSION_LENGTH} characters each.
        </span>
      </label>
      <textarea
        id="affectedVersions"
        name="affectedVersions"
        rows={3}
        class="mono"
        spellcheck={false}
        maxlength={MAX_AFFECTED_VERSIONS * (MAX_VERSION_LENGTH + 2)}
        aria-invalid={invalid("affectedVersions", e)}
        aria-describedby={describedBy("affectedVersions", e, "affectedVersions-hint")}
      >
        {v.affectedVersions ?? ""}
      </textarea>
      <FieldError id="affectedVersions" errors={e} />

      <label for="cvss">
        Your CVSS vector
        <span class="hint" id="cvss-hint">
          A CVSS 3.1, 4.0 or 3.0 vector, for example <code class="break">{EXAMPLE_VECTOR}</code>. With
          JavaScript on, we check it as you type.
        </span>
      </label>
      <input
        type="text"
        id="cvss"
        name="cvss"
        class="mono"
        value={v.cvss ?? ""}
        maxlength={MAX_PROPOSED_CVSS_LENGTH}
        spellcheck={false}
        autocomplete="off"
        aria-invalid={invalid("cvss", e)}
        aria-describedby={describedBy("cvss", e, "cvss-hint", "cvss-check")}
        hx-get={CVSS_CHECK_PATH}
        hx-trigger="input changed delay:300ms, change"
        hx-target="#cvss-check"
        hx-sync="this:replace"
      />
      <p id="cvss-check" class="cvss-check" aria-live="polite"></p>
      <FieldError id="cvss" errors={e} />
    </fieldset>
  );
}
