import { WEAKNESSES, weaknessLabel } from "../../domain/weaknesses.ts";
import { AttachmentsInput } from "../../http/components/attachments-input.tsx";
import { describedBy, ErrorSummary, invalid } from "../../http/components/error-summary.tsx";
import { FieldError } from "../../http/components/field.tsx";
import { Layout } from "../../http/layout.tsx";
import { INTAKE_KEY_PATH } from "../keys/keys.service.ts";
import type { ScopeAsset } from "../policy/policy.views.tsx";
import { INTAKE_MIN_LENGTHS } from "../reports/reports.schema.ts";
import type { PowChallenge } from "./intake-pow.service.ts";
import { ENCRYPTED_FORM_PATH, OPENPGP_BROWSER_PATH } from "./openpgp-asset.data.ts";
import { ProposalFields } from "./proposal.views.tsx";
import { TransportNote } from "./transport-note.views.tsx";

/** The form's fields in page order; the error summary lists problems in this order too. */
export const REPORT_FORM_FIELDS = [
  "title",
  "asset",
  "weakness",
  "description",
  "steps",
  "impact",
  "affectedVersions",
  "cvss",
  "attachments",
  "email",
  "pgpKey",
  "name",
  "credit",
] as const;

const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  asset: "Affected asset",
  weakness: "Type of weakness",
  description: "Description",
  steps: "Steps to reproduce",
  impact: "Impact",
  affectedVersions: "Affected versions",
  cvss: "Your CVSS vector",
  email: "Email",
  pgpKey: "Your OpenPGP public key",
  name: "Name or handle",
  credit: "Credit",
  attachments: "Attachments",
};

type Values = Record<string, string>;
type Errors = Record<string, string>;

export interface ReportFormProps {
  orgName: string;
  inScope: readonly ScopeAsset[];
  outOfScope: readonly ScopeAsset[];
  values?: Values;
  errors?: Errors;
  /** A refused post carried files, which are never kept: the form asks for them again. */
  filesDropped?: boolean;
  /** The admin's minimum for the steps to reproduce, shown in the field's hint before any error. */
  minStepsLength: number;
  /** A proof-of-work challenge that /static/js/pow.js solves; without JavaScript the form still posts. */
  pow?: PowChallenge | null;
  /** Whether PUBLIC_URL is https; the form claims TLS only then. */
  overHttps?: boolean;
}

/** The report form. It works without JavaScript; after a refused submission every typed value comes back. */
export function ReportFormPage(props: ReportFormProps) {
  const v = props.values ?? {};
  const e = props.errors;
  const hadErrors = e !== undefined && Object.keys(e).length > 0;
  const credit = v.credit === "name" || v.credit === "handle" ? v.credit : "anonymous";
  return (
    <Layout
      title={hadErrors ? "Error: Report a vulnerability" : "Report a vulnerability"}
      orgName={props.orgName}
      active="report"
      column
    >
      <div class="narrow">
        <h1>Report a vulnerability</h1>
        <p>
          Tell us privately about a security problem. Only our security team can read your report. Please read
          the <a href="/">policy</a> first.
        </p>
        <ErrorSummary errors={e} order={REPORT_FORM_FIELDS} labels={FIELD_LABELS} />
        <form
          method="post"
          action="/report"
          enctype="multipart/form-data"
          class="card report-form"
          data-encrypt-to={INTAKE_KEY_PATH}
          data-encrypted-action={ENCRYPTED_FORM_PATH}
          data-openpgp={`/static/${OPENPGP_BROWSER_PATH}`}
          data-field-order={REPORT_FORM_FIELDS.join(" ")}
        >
          {props.pow && <PowFields pow={props.pow} />}
          <label for="title">
            Title
            <span class="hint" id="title-hint">
              One line that sums up the problem, e.g. “Stored XSS in the comment preview”. At least{" "}
              {INTAKE_MIN_LENGTHS.title} characters.
            </span>
          </label>
          <input
            type="text"
            id="title"
            name="title"
            value={v.title ?? ""}
            required
            maxlength={200}
            aria-invalid={invalid("title", e)}
            aria-describedby={describedBy("title", e, "title-hint")}
          />
          <FieldError id="title" errors={e} />

          <label for="asset">
            Affected asset
            <span class="hint" id="asset-hint">
              Which part of our scope is affected? Choose “Other / not listed” if you are not sure.
            </span>
          </label>
          <select
            id="asset"
            name="asset"
            required
            aria-invalid={invalid("asset", e)}
            aria-describedby={describedBy(
              "asset",
              e,
              "asset-hint",
              ...(props.outOfScope.length > 0 ? ["asset-out"] : []),
            )}
          >
            <option value="" selected={!v.asset}>
              Choose an asset…
            </option>
            {props.inScope.map((a) => (
              <option value={a.id} selected={v.asset === a.id}>
                {a.identifier ? `${a.name} (${a.identifier})` : a.name}
              </option>
            ))}
            <option value="other" selected={v.asset === "other"}>
              Other / not listed
            </option>
          </select>
          {props.outOfScope.length > 0 && (
            <p class="hint" id="asset-out">
              Out of scope, so not listed:{" "}
              {props.outOfScope
                .map((a) => (a.identifier ? `${a.name} (${a.identifier})` : a.name))
                .join(", ")}
              . See the <a href="/#scope">scope</a>.
            </p>
          )}
          <FieldError id="asset" errors={e} />

          <label for="weakness">
            Type of weakness
            <span class="hint" id="weakness-hint">
              The closest CWE class, or “Other / not sure”.
            </span>
          </label>
          <select
            id="weakness"
            name="weakness"
            aria-invalid={invalid("weakness", e)}
            aria-describedby={describedBy("weakness", e, "weakness-hint")}
          >
            {WEAKNESSES.map((w) => (
              <option value={w.id} selected={(v.weakness || "other") === w.id}>
                {weaknessLabel(w.id)}
              </option>
            ))}
          </select>
          <FieldError id="weakness" errors={e} />

          <label for="description">
            Description
            <span class="hint" id="description-hint">
              What is the vulnerability, and where is it? At least {INTAKE_MIN_LENGTHS.description}{" "}
              characters.
            </span>
          </label>
          <textarea
            id="description"
            name="description"
            rows={8}
            required
            maxlength={20000}
            aria-invalid={invalid("description", e)}
            aria-describedby={describedBy("description", e, "description-hint")}
          >
            {v.description ?? ""}
          </textarea>
          <FieldError id="description" errors={e} />

          <label for="steps">
            Steps to reproduce
            <span class="hint" id="steps-hint">
              Numbered steps, requests or a proof of concept. At least {props.minStepsLength} characters.
            </span>
          </label>
          <textarea
            id="steps"
            name="steps"
            rows={8}
            required
            maxlength={20000}
            aria-invalid={invalid("steps", e)}
            aria-describedby={describedBy("steps", e, "steps-hint")}
          >
            {v.steps ?? ""}
          </textarea>
          <FieldError id="steps" errors={e} />

          <label for="impact">
            Impact
            <span class="hint" id="impact-hint">
              What could an attacker achieve? A sentence or two is enough.
            </span>
          </label>
          <textarea
            id="impact"
            name="impact"
            rows={4}
            required
            maxlength={10000}
            aria-invalid={invalid("impact", e)}
            aria-describedby={describedBy("impact", e, "impact-hint")}
          >
            {v.impact ?? ""}
          </textarea>
          <FieldError id="impact" errors={e} />

          <ProposalFields values={v} errors={e} />

          <AttachmentsInput
            errors={e}
            again={props.filesDropped ?? false}
            againText="For your safety, files are not kept when the form is shown again: please select them again."
          />

          <h2>About you</h2>
          <p class="muted small" id="about-you-hint">
            Everything in this section is optional. You can report anonymously and follow the report through
            your private link.
          </p>

          <label for="email">
            Email (optional)
            <span class="hint" id="email-hint">
              We send news about the report here, never the details. It also lets you recover lost links.
            </span>
          </label>
          <input
            type="email"
            id="email"
            name="email"
            value={v.email ?? ""}
            maxlength={254}
            autocomplete="email"
            aria-invalid={invalid("email", e)}
            aria-describedby={describedBy("email", e, "email-hint")}
          />
          <FieldError id="email" errors={e} />

          <label for="pgpKey">
            Your OpenPGP public key (optional)
            <span class="hint" id="pgpKey-hint">
              ASCII-armored (gpg --armor --export you@example.org). We encrypt mail about the report to it.
              Never paste a private key.
            </span>
          </label>
          <textarea
            id="pgpKey"
            name="pgpKey"
            rows={4}
            class="mono"
            spellcheck={false}
            maxlength={200000}
            aria-invalid={invalid("pgpKey", e)}
            aria-describedby={describedBy("pgpKey", e, "pgpKey-hint")}
          >
            {v.pgpKey ?? ""}
          </textarea>
          <FieldError id="pgpKey" errors={e} />

          <label for="name">
            Name or handle (optional)
            <span class="hint" id="name-hint">
              How we should credit you, if you want credit.
            </span>
          </label>
          <input
            type="text"
            id="name"
            name="name"
            value={v.name ?? ""}
            maxlength={100}
            aria-invalid={invalid("name", e)}
            aria-describedby={describedBy("name", e, "name-hint")}
          />
          <FieldError id="name" errors={e} />

          <fieldset
            id="credit"
            aria-invalid={invalid("credit", e)}
            aria-describedby={describedBy("credit", e)}
          >
            <legend>Credit in the advisory and the hall of fame</legend>
            <label class="choice">
              <input type="radio" name="credit" value="name" id="credit-name" checked={credit === "name"} />{" "}
              By my name
            </label>
            <label class="choice">
              <input
                type="radio"
                name="credit"
                value="handle"
                id="credit-handle"
                checked={credit === "handle"}
              />{" "}
              By my handle
            </label>
            <label class="choice">
              <input
                type="radio"
                name="credit"
                value="anonymous"
                id="credit-anonymous"
                checked={credit === "anonymous"}
              />{" "}
              Keep me anonymous
            </label>
            <FieldError id="credit" errors={e} />
          </fieldset>

          <TransportNote overHttps={props.overHttps ?? false} />
          <div class="actions">
            <button type="submit">Send report</button>
          </div>
        </form>
        <script type="module" src="/static/js/encrypt-report.js"></script>
      </div>
    </Layout>
  );
}

/** The challenge as hidden fields plus the script that solves it; `altcha` stays empty when JS is off. */
function PowFields(props: { pow: PowChallenge }) {
  const p = props.pow;
  return (
    <>
      <input type="hidden" name="altcha" value="" data-pow="payload" />
      <input type="hidden" data-pow="algorithm" value={p.algorithm} />
      <input type="hidden" data-pow="challenge" value={p.challenge} />
      <input type="hidden" data-pow="salt" value={p.salt} />
      <input type="hidden" data-pow="signature" value={p.signature} />
      <input type="hidden" data-pow="maxnumber" value={String(p.maxnumber)} />
      <script src="/static/js/pow.js" defer></script>
    </>
  );
}
