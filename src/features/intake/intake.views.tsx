import { ATTACHMENT_LIMITS, ATTACHMENT_TYPES } from "../../domain/attachments.ts";
import { WEAKNESSES, weaknessLabel } from "../../domain/weaknesses.ts";
import { FieldError, formatDate, Layout } from "../../http/layout.tsx";
import { INTAKE_KEY_PATH } from "../keys/keys.service.ts";
import type { ScopeAsset } from "../policy/policy.views.tsx";
import type { PowChallenge } from "./intake-pow.ts";
import { ENCRYPTED_FORM_PATH, OPENPGP_BROWSER_PATH } from "./openpgp-asset.ts";

/** The form's fields in page order; the error summary lists problems in this order too. */
export const REPORT_FORM_FIELDS = [
  "title",
  "asset",
  "weakness",
  "description",
  "steps",
  "impact",
  "email",
  "pgpKey",
  "name",
  "credit",
  "attachments",
] as const;

const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  asset: "Affected asset",
  weakness: "Type of weakness",
  description: "Description",
  steps: "Steps to reproduce",
  impact: "Impact",
  email: "Email",
  pgpKey: "Your OpenPGP public key",
  name: "Name or handle",
  credit: "Credit",
  attachments: "Attachments",
};

const MB = 1024 * 1024;

/** The limits in words next to the file input, so people learn them before an upload is refused. */
export const ATTACHMENT_HINT = `Up to ${ATTACHMENT_LIMITS.maxFiles} files, ${ATTACHMENT_LIMITS.maxFileBytes / MB} MB each and ${
  ATTACHMENT_LIMITS.maxTotalBytes / MB
} MB in total. Accepted types: ${Object.keys(ATTACHMENT_TYPES).join(", ")}.`;
/** The file picker's filter; a hint for browsers only, the service checks every name again. */
export const ATTACHMENT_ACCEPT = Object.keys(ATTACHMENT_TYPES)
  .map((ext) => `.${ext}`)
  .join(",");

type Values = Record<string, string>;
type Errors = Record<string, string>;

/** aria-describedby for a field: its hint and, when present, its error. */
export function describedBy(id: string, errors: Errors | undefined, ...hints: string[]): string | undefined {
  const ids = [...hints, ...(errors?.[id] ? [`${id}-error`] : [])];
  return ids.length > 0 ? ids.join(" ") : undefined;
}

/** aria-invalid only on fields that failed, so screen readers do not announce every field as wrong. */
export const invalid = (id: string, errors: Errors | undefined) => (errors?.[id] ? "true" : undefined);

/** The summary at the top of a form that failed validation: one link per field, in page order. */
export function ErrorSummary(props: {
  errors?: Errors | undefined;
  order: readonly string[];
  labels?: Record<string, string>;
}) {
  const errors = props.errors ?? {};
  const keys = Object.keys(errors);
  if (keys.length === 0) return null;
  const ordered = [
    ...props.order.filter((k) => k in errors),
    ...keys.filter((k) => !props.order.includes(k)),
  ];
  return (
    <div
      class="form-errors"
      role="alert"
      aria-labelledby="error-summary-title"
      id="error-summary"
      tabindex={-1}
    >
      <h2 id="error-summary-title">
        Please correct {ordered.length === 1 ? "this problem" : `these ${ordered.length} problems`}
      </h2>
      <ul>
        {ordered.map((key) =>
          props.order.includes(key) ? (
            <li>
              <a href={`#${key}`}>
                {props.labels?.[key] ? `${props.labels[key]}: ` : ""}
                {errors[key]}
              </a>
            </li>
          ) : (
            <li>{errors[key]}</li>
          ),
        )}
      </ul>
    </div>
  );
}

export interface ReportFormProps {
  orgName: string;
  inScope: readonly ScopeAsset[];
  outOfScope: readonly ScopeAsset[];
  values?: Values;
  errors?: Errors;
  /** A proof-of-work challenge that /static/js/pow.js solves; without JavaScript the form still posts. */
  pow?: PowChallenge | null;
}

/** The report form. It works without JavaScript; on a failed submission every typed value comes back. */
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
        >
          {props.pow && <PowFields pow={props.pow} />}
          <label for="title">
            Title
            <span class="hint" id="title-hint">
              One line that sums up the problem, e.g. “Stored XSS in the comment preview”.
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
              What is the vulnerability, and where is it? At least 20 characters.
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
              Numbered steps, requests or a proof of concept.
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
              What could an attacker achieve?
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

          <label for="attachments">
            Attachments (optional)
            <span class="hint" id="attachments-hint">
              {ATTACHMENT_HINT}
            </span>
          </label>
          {hadErrors && (
            <p class="hint warn" id="attachments-again">
              For your safety, files are not kept when the form is shown again: please select them again.
            </p>
          )}
          <input
            type="file"
            id="attachments"
            name="attachments"
            multiple
            accept={ATTACHMENT_ACCEPT}
            aria-invalid={invalid("attachments", e)}
            aria-describedby={describedBy(
              "attachments",
              e,
              "attachments-hint",
              ...(hadErrors ? ["attachments-again"] : []),
            )}
          />
          <FieldError id="attachments" errors={e} />

          <h2>About you</h2>
          <p class="muted small">
            Both are optional. You can report anonymously and follow the report through your private link.
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

          <p class="hint" id="encryption-note" role="status">
            Your report is sent over TLS (HTTPS). With JavaScript on, your browser first encrypts all of it,
            attachments included, to our <a href={INTAKE_KEY_PATH}>OpenPGP intake key</a>.
          </p>
          <div class="actions">
            <button type="submit">Send report</button>
          </div>
        </form>
        <script type="module" src="/static/js/encrypt-report.js"></script>
      </div>
    </Layout>
  );
}

export interface ReceiptProps {
  orgName: string;
  reference: string;
  trackingUrl: string;
  acknowledgeBy: Date;
  emailed: boolean;
}

/** Shown once after a submission: the only place the tracking link appears outside the reporter's mailbox. */
export function ReceiptPage(props: ReceiptProps) {
  return (
    <Layout title={`Report ${props.reference} received`} orgName={props.orgName} active="report">
      <ReceiptContent {...props} />
    </Layout>
  );
}

/** The receipt without the page around it; the encrypting script puts it in place of the form. */
export function ReceiptContent(props: Omit<ReceiptProps, "orgName">) {
  return (
    <div class="narrow" id="receipt">
      <div class="notice success">
        <h1>Thank you: your report {props.reference} was received</h1>
        <p>
          Reference: <strong class="mono">{props.reference}</strong>
        </p>
      </div>

      <section class="card tracking-link" aria-labelledby="link-heading">
        <h2 id="link-heading">Your private tracking link</h2>
        <div class="notice warn" role="note">
          <strong>Save this link now.</strong> We show it only once and keep only a fingerprint of it. Anyone
          with the link can read and answer your report, so keep it secret.
          {props.emailed
            ? " We are also sending it to the email address you gave."
            : " You gave no email address, so we cannot send it to you or recover it later."}
        </div>
        <label for="tracking-url">Tracking link</label>
        <input type="text" id="tracking-url" class="copy mono" readonly value={props.trackingUrl} />
        <p>
          <a href={props.trackingUrl}>Open your report’s page</a>
        </p>
      </section>

      <section class="card" aria-labelledby="next-heading">
        <h2 id="next-heading">What happens next</h2>
        <ol>
          <li>
            We will acknowledge your report by <strong>{formatDate(props.acknowledgeBy)}</strong>.
          </li>
          <li>A Response Manager assesses it and tells you whether we can confirm the issue.</li>
          <li>
            We keep you informed on your tracking page, where you can also answer our questions and add files.
          </li>
          <li>Once a fix is released, we agree on disclosure and credit with you.</li>
        </ol>
        <p class="muted small">
          Please keep the details confidential until we have released a fix and agreed on disclosure.
        </p>
      </section>
    </div>
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
