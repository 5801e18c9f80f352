import { userIdEmails } from "../../domain/pgp-keys.ts";
import { SLA_LIMITS } from "../../domain/sla.ts";
import {
  type AdminFrame,
  AdminLayout,
  Done,
  type FormProblem,
  Problem,
} from "../../http/components/admin-layout.tsx";
import { Err, Field, Toggle } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";
import { DuplicateReferenceFieldset } from "../search/search.views.tsx";
import { AutoAssignFieldset } from "./availability.views.tsx";
import { SignSecurityTxtFieldset } from "./member-keys.views.tsx";

type Values = Record<string, string>;

/** Checkbox labels in Date.getDay() order, so the value sent is the policy's day number. */
export const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** The SLA form's values as text, the way they are typed. */
export interface SlaFormValues {
  acknowledgeBusinessDays: string;
  triageBusinessDays: string;
  updateIntervalDays: string;
  resolutionDays: string;
  timeZone: string;
  weekendDays: readonly number[];
  holidays: string;
  reminderLeadHours: string;
  needsInfoExpiryDays: string;
}

/** The intake key as the settings form describes it next to the security address. */
export interface IntakeKeyFacts {
  userIds: readonly string[];
  source: "generated" | "imported";
  /** The address the key should name under the saved settings. */
  address: string;
}

export interface SettingsPageProps extends AdminFrame {
  org: Values;
  intakeKey: IntakeKeyFacts;
  orgProblem?: FormProblem | null;
  sla: SlaFormValues;
  slaProblem?: FormProblem | null;
  done?: string | null;
  /** Set when PUBLIC_URL is http: security.txt then breaks RFC 9116, and the admin must know. */
  securityTxtWarning?: string | null;
}

/**
 * The one-step re-key offered with the organisation's name and address, which the intake key's user ID carries.
 * A key made here can be replaced in the same save; an imported key is left alone (its owner imports a new one).
 */
function IntakeRekey(props: { intakeKey: IntakeKeyFacts; checked: boolean }) {
  const k = props.intakeKey;
  return (
    <div class="field intake-rekey" id="intake-rekey">
      <p class="hint">
        The intake key names <span class="break mono">{k.userIds.join(", ")}</span>.
      </p>
      {!userIdEmails(k.userIds).includes(k.address.toLowerCase()) && (
        <p class="notice warn" id="intake-address-warning">
          The intake key does not name the security address {k.address}, so mail clients looking the key up by
          that address may not find or trust it.
        </p>
      )}
      {k.source === "generated" ? (
        <>
          <Toggle
            id="org-rekey"
            name="rekeyIntake"
            label="If the name or security address changes, also make a new intake key for them"
            checked={props.checked}
          />
          <p class="hint" id="org-rekey-hint">
            The new key is published at once (on /keys, in security.txt and the Web Key Directory) and signs
            mail from then on. The current key is retired, not deleted: it still decrypts reports and mail
            already encrypted to it, and /keys lists it as retired. When neither changes, the key stays.
          </p>
        </>
      ) : (
        <p class="hint">
          This key was imported, so saving here does not replace it. If the address changes, import a key for
          the new address under <a href="/admin/keys">Keys</a>.
        </p>
      )}
    </div>
  );
}

/** Organisation settings and SLA targets: two forms so an error in one never loses what was typed in the other. */
export function SettingsPage(props: SettingsPageProps) {
  const o = props.org;
  const oe = props.orgProblem?.errors;
  const s = props.sla;
  const se = props.slaProblem?.errors;
  return (
    <AdminLayout
      {...props}
      title="Settings"
      section="settings"
      failed={Boolean(props.orgProblem || props.slaProblem)}
    >
      <h1>Settings</h1>
      <Done message={props.done} />
      {props.securityTxtWarning && (
        <div class="notice warn" role="note" id="security-txt-http">
          <strong>security.txt is served without HTTPS.</strong> {props.securityTxtWarning}
        </div>
      )}

      <section class="card" id="org" aria-labelledby="org-heading">
        <h2 id="org-heading">Organisation and policy</h2>
        <Problem problem={props.orgProblem} id="org-error" />
        <form method="post" action="/admin/settings" class="admin-form">
          <Csrf token={props.csrfToken} />
          <Field
            id="org-name"
            name="name"
            label="Organisation name"
            value={o.name ?? ""}
            errors={oe}
            required
          />
          <Field
            id="org-email"
            name="securityEmail"
            label="Security address"
            type="email"
            hint="The mailbox reporters write to; security.txt and the intake key name it. Empty: MAIL_FROM, else security@ this site's host."
            value={o.securityEmail ?? ""}
            errors={oe}
          />
          <IntakeRekey intakeKey={props.intakeKey} checked={o.rekeyIntake !== "false"} />
          <Field
            id="org-languages"
            name="preferredLanguages"
            label="Preferred languages"
            hint="Language tags separated by commas, e.g. en, de."
            value={o.preferredLanguages ?? ""}
            errors={oe}
          />
          <Field
            id="org-cna"
            name="cnaOrgId"
            label="CNA organisation id"
            hint="The UUID the CVE Program gave your CNA; CVE JSON 5 records name it. Empty: no CVE records are served."
            value={o.cnaOrgId ?? ""}
            errors={oe}
          />
          <label for="org-policy">
            Disclosure policy <span class="hint">Markdown; shown on the public policy page.</span>
          </label>
          <textarea
            id="org-policy"
            name="policyMarkdown"
            rows={12}
            aria-invalid={oe?.policyMarkdown ? "true" : undefined}
          >
            {o.policyMarkdown ?? ""}
          </textarea>
          <Err errors={oe} name="policyMarkdown" id="org-policy" />
          <label for="org-safe-harbor">
            Safe harbor <span class="hint">Markdown.</span>
          </label>
          <textarea
            id="org-safe-harbor"
            name="safeHarborMarkdown"
            rows={6}
            aria-invalid={oe?.safeHarborMarkdown ? "true" : undefined}
          >
            {o.safeHarborMarkdown ?? ""}
          </textarea>
          <Err errors={oe} name="safeHarborMarkdown" id="org-safe-harbor" />
          <fieldset>
            <legend>Which OWASP impact sets a report's severity</legend>
            <label class="choice">
              <input
                type="radio"
                name="severityImpact"
                value="business"
                checked={o.severityImpact !== "technical"}
              />{" "}
              Business impact (recommended when it is known)
            </label>
            <label class="choice">
              <input
                type="radio"
                name="severityImpact"
                value="technical"
                checked={o.severityImpact === "technical"}
              />{" "}
              Technical impact
            </label>
            <Err errors={oe} name="severityImpact" id="org-impact" />
          </fieldset>
          <fieldset>
            <legend>Which method sets a report's severity</legend>
            <p class="hint">
              A score of the other method is still kept in the report's severity history, marked as not
              changing the severity. Existing reports keep their severity until they are scored again.
            </p>
            <label class="choice">
              <input type="radio" name="severitySource" value="owasp" checked={o.severitySource !== "cvss"} />{" "}
              OWASP Risk Rating (default)
            </label>
            <label class="choice">
              <input type="radio" name="severitySource" value="cvss" checked={o.severitySource === "cvss"} />{" "}
              CVSS (3.1 or 4.0)
            </label>
            <Err errors={oe} name="severitySource" id="org-severity-source" />
          </fieldset>
          <fieldset>
            <legend>What reporters see of the severity</legend>
            <label class="choice">
              <input
                type="radio"
                name="shareSeverityWithReporters"
                value="true"
                checked={o.shareSeverityWithReporters !== "false"}
              />{" "}
              The severity with its score and vector, once it is set (default)
            </label>
            <label class="choice">
              <input
                type="radio"
                name="shareSeverityWithReporters"
                value="false"
                checked={o.shareSeverityWithReporters === "false"}
              />{" "}
              Nothing: the severity stays internal
            </label>
            <span class="hint">
              Shown on the reporter's tracking page. Reporters who proposed a CVSS vector can compare it with
              yours.
            </span>
            <Err errors={oe} name="shareSeverityWithReporters" id="org-share-severity" />
          </fieldset>
          <AutoAssignFieldset value={o.autoAssign} error={oe?.autoAssign} />
          <SignSecurityTxtFieldset value={o.signSecurityTxt} error={oe?.signSecurityTxt} />
          <DuplicateReferenceFieldset
            value={o.revealDuplicateReference}
            error={oe?.revealDuplicateReference}
          />
          <Field
            id="org-advisory-prefix"
            name="advisoryPrefix"
            label="Advisory id prefix"
            hint="New advisories are numbered <prefix>-YYYY-NNNN, e.g. EMBSA-2026-0001; existing ids never change."
            value={o.advisoryPrefix ?? "EMBSA"}
            errors={oe}
          />
          <Field
            id="org-prenotify-hours"
            name="prenotifyHours"
            label="Pre-notify lists this many hours before a security release (default 24)"
            type="number"
            min={0}
            max={720}
            value={o.prenotifyHours ?? "24"}
            errors={oe}
          />
          <div class="actions">
            <button type="submit">Save organisation settings</button>
          </div>
        </form>
      </section>

      <section class="card" id="sla" aria-labelledby="sla-heading">
        <h2 id="sla-heading">Service-level targets</h2>
        <p class="hint">
          New targets apply to reports received from now on; existing reports keep their deadlines. The
          reminder lead time and the needs-info expiry apply to every open report at once.
        </p>
        <Problem problem={props.slaProblem} id="sla-error" />
        <form method="post" action="/admin/settings/sla" class="admin-form">
          <Csrf token={props.csrfToken} />
          <div class="form-grid">
            <Field
              id="sla-ack"
              name="acknowledgeBusinessDays"
              label="Acknowledge within (business days)"
              type="number"
              min={SLA_LIMITS.acknowledgeBusinessDays.min}
              max={SLA_LIMITS.acknowledgeBusinessDays.max}
              value={s.acknowledgeBusinessDays}
              errors={se}
            />
            <Field
              id="sla-triage"
              name="triageBusinessDays"
              label="Triage within (business days)"
              type="number"
              min={SLA_LIMITS.triageBusinessDays.min}
              max={SLA_LIMITS.triageBusinessDays.max}
              value={s.triageBusinessDays}
              errors={se}
            />
            <Field
              id="sla-update"
              name="updateIntervalDays"
              label="Update the reporter at least every (days)"
              type="number"
              min={SLA_LIMITS.updateIntervalDays.min}
              max={SLA_LIMITS.updateIntervalDays.max}
              value={s.updateIntervalDays}
              errors={se}
            />
            <Field
              id="sla-resolve"
              name="resolutionDays"
              label="Resolve within (days)"
              type="number"
              min={SLA_LIMITS.resolutionDays.min}
              max={SLA_LIMITS.resolutionDays.max}
              value={s.resolutionDays}
              errors={se}
            />
            <Field
              id="sla-zone"
              name="timeZone"
              label="Time zone"
              hint="IANA name, e.g. Europe/Berlin."
              value={s.timeZone}
              errors={se}
            />
            <Field
              id="sla-reminder"
              name="reminderLeadHours"
              label="Remind before a deadline (hours)"
              hint="The Response Manager (or the admins) get a reminder this long before each deadline."
              type="number"
              min={SLA_LIMITS.reminderLeadHours.min}
              max={SLA_LIMITS.reminderLeadHours.max}
              value={s.reminderLeadHours}
              errors={se}
            />
            <Field
              id="sla-needs-info"
              name="needsInfoExpiryDays"
              label="Reject unanswered requests for information after (days)"
              hint="Rejected as not reproducible, and the reporter is told."
              type="number"
              min={SLA_LIMITS.needsInfoExpiryDays.min}
              max={SLA_LIMITS.needsInfoExpiryDays.max}
              value={s.needsInfoExpiryDays}
              errors={se}
            />
          </div>
          <fieldset>
            <legend>Weekend days (not business days)</legend>
            <div class="row">
              {WEEKDAYS.map((day, i) => (
                <label class="choice" for={`sla-weekend-${i}`}>
                  <input
                    type="checkbox"
                    id={`sla-weekend-${i}`}
                    name="weekendDays"
                    value={String(i)}
                    checked={s.weekendDays.includes(i)}
                  />{" "}
                  {day}
                </label>
              ))}
            </div>
            <Err errors={se} name="weekendDays" id="sla-weekend" />
          </fieldset>
          <label for="sla-holidays">
            Holidays <span class="hint">One date per line, written YYYY-MM-DD.</span>
          </label>
          <textarea
            id="sla-holidays"
            name="holidays"
            rows={5}
            aria-invalid={se?.holidays ? "true" : undefined}
          >
            {s.holidays}
          </textarea>
          <Err errors={se} name="holidays" id="sla-holidays" />
          <div class="actions">
            <button type="submit">Save SLA targets</button>
          </div>
        </form>
      </section>
    </AdminLayout>
  );
}
