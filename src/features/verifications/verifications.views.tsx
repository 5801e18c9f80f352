import { Err } from "../../http/components/field.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { VerificationView } from "./verifications.service.ts";

/** What a refused form keeps: why, and what was typed (never the file). */
export interface VerificationFormProblem {
  message: string;
  errors: Record<string, string>;
  values: Record<string, string>;
}

const STATUS_LABELS: Record<VerificationView["status"], string> = {
  queued: "Queued",
  running: "Running",
  passed: "Passed",
  failed: "Failed",
  error: "Could not run",
};
const STATUS_CLASSES: Record<VerificationView["status"], string> = {
  queued: "sla-paused",
  running: "sla-paused",
  passed: "sla-met",
  failed: "sla-overdue",
  error: "sla-overdue",
};
const RESULT_LABELS = { pass: "Pass", fail: "Fail", warn: "Warning", skip: "Skipped" } as const;
const RESULT_CLASSES = {
  pass: "sla-met",
  fail: "sla-overdue",
  warn: "sla-due_soon",
  skip: "sla-paused",
} as const;
const KIND_LABELS = {
  ancestry: "Fix in tag",
  artifact_file: "Artifact file",
  tag_signature: "Tag signature",
} as const;

/** One verification with each of its checks, as the report page shows it. */
function VerificationResult(props: { v: VerificationView }) {
  const { v } = props;
  return (
    <li>
      <p>
        <span class={`badge ${STATUS_CLASSES[v.status]}`}>{STATUS_LABELS[v.status]}</span>{" "}
        <strong>
          {v.repository} {v.tag}
        </strong>{" "}
        <span class="small muted">
          {v.tagSha ? `(${v.tagSha.slice(0, 12)}) ` : ""}started {formatDate(v.createdAt)}
          {v.reports.length > 1 ? `; covers ${v.reports.join(", ")}` : ""}
        </span>
      </p>
      {v.artifactName && (
        <p class="small">
          Artifact {v.artifactName}
          {v.artifactSha256 && <span class="mono"> sha256:{v.artifactSha256}</span>}
        </p>
      )}
      {v.errorDetail && <p class="small field-error">{v.errorDetail}</p>}
      {v.checks.length > 0 && (
        <table class="small">
          <caption class="visually-hidden">
            Checks of {v.repository} {v.tag}
          </caption>
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Result</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {v.checks.map((check) => (
              <tr>
                <td data-label="Check">
                  {KIND_LABELS[check.kind]}
                  <br />
                  <span class="mono">{check.subject}</span>
                </td>
                <td data-label="Result">
                  <span class={`badge ${RESULT_CLASSES[check.result]}`}>{RESULT_LABELS[check.result]}</span>
                </td>
                <td data-label="Detail">{check.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

/**
 * The report page's package verification panel: the verifications covering the report with their checks, and
 * for members who may act, the form that starts one (a multipart post that works without JavaScript).
 */
export function VerificationPanel(props: {
  reference: string;
  verifications: readonly VerificationView[];
  repositories: readonly string[];
  canAct: boolean;
  csrfToken: string | null | undefined;
  problem: VerificationFormProblem | null;
}) {
  const { problem } = props;
  const value = (name: string, fallback = "") => problem?.values[name] ?? fallback;
  const errors = problem?.errors;
  return (
    <section class="card" id="verification" aria-labelledby="verification-heading">
      <h2 id="verification-heading">Package verification</h2>
      {props.verifications.length === 0 ? (
        <p class="muted small">No release has been verified for this report yet.</p>
      ) : (
        <ul class="plain-list">
          {props.verifications.map((v) => (
            <VerificationResult v={v} />
          ))}
        </ul>
      )}
      {props.canAct &&
        (props.repositories.length === 0 ? (
          <p class="small muted">Register the repository on the admin page to verify a release.</p>
        ) : (
          <form
            method="post"
            action={`/reports/${encodeURIComponent(props.reference)}/verifications`}
            enctype="multipart/form-data"
          >
            <Csrf token={props.csrfToken} />
            {problem && (
              <p class="field-error" role="alert" id="verification-form-error">
                {problem.message}
              </p>
            )}
            <label for="verification-repository">Repository</label>
            <select id="verification-repository" name="repository">
              {props.repositories.map((name) => (
                <option value={name} selected={value("repository") === name}>
                  {name}
                </option>
              ))}
            </select>
            <Err errors={errors} name="repository" id="verification-repository" />
            <label for="verification-tag">
              Release tag <span class="hint">As pushed upstream, e.g. v2.3.1</span>
            </label>
            <input
              id="verification-tag"
              name="tag"
              required
              value={value("tag")}
              aria-invalid={errors?.tag ? "true" : undefined}
            />
            <Err errors={errors} name="tag" id="verification-tag" />
            <label for="verification-reports">
              Reports{" "}
              <span class="hint">This report, and any other the release fixes, separated by spaces</span>
            </label>
            <input id="verification-reports" name="reports" value={value("reports", props.reference)} />
            <Err errors={errors} name="reports" id="verification-reports" />
            <label for="verification-artifact">
              Release artifact (optional){" "}
              <span class="hint">
                The .tar.gz, .tgz or .zip people download, up to 16 MiB; or its URL below
              </span>
            </label>
            <input id="verification-artifact" name="artifact" type="file" accept=".tar.gz,.tgz,.zip" />
            <label for="verification-artifact-url">Artifact URL (optional)</label>
            <input
              id="verification-artifact-url"
              name="artifact_url"
              type="url"
              value={value("artifact_url")}
              aria-invalid={errors?.artifact ? "true" : undefined}
            />
            <Err errors={errors} name="artifact" id="verification-artifact" />
            <button type="submit">Verify the release</button>
          </form>
        ))}
    </section>
  );
}
