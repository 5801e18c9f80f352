import type { Child } from "hono/jsx";
import type { CurrentUser } from "../../core/actors.ts";
import { ROLE_LABELS, ROLES } from "../../domain/permissions.ts";
import { SLA_LIMITS } from "../../domain/sla.ts";
import { Csrf, formatDate, Layout } from "../../http/layout.tsx";
import { MemberKeyCell, SignSecurityTxtFieldset } from "../keys/keys-admin.views.tsx";
import type { OutboxRow } from "../outbox/outbox.repo.ts";
import type { AssetRow } from "../policy/assets.repo.ts";
import { DuplicateReferenceFieldset } from "../search/search.views.tsx";
import { type AvailabilityValues, availabilityValues } from "./availability.form.ts";
import {
  AutoAssignFieldset,
  AvailabilityForm,
  AvailabilityNow,
  TimeZoneList,
} from "./availability.views.tsx";
import type { UserRow } from "./team.repo.ts";

type Errors = Record<string, string>;
type Values = Record<string, string>;

/** A form that failed: what was typed, the message and the per-field errors. */
export interface FormProblem {
  message: string;
  values: Values;
  errors: Errors;
}

interface AdminFrame {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
}

const SECTIONS = [
  { key: "team", href: "/admin/team", label: "Team" },
  { key: "settings", href: "/admin/settings", label: "Settings" },
  { key: "scope", href: "/admin/scope", label: "Scope" },
  { key: "intake", href: "/admin/intake", label: "Intake limits" },
  { key: "responses", href: "/admin/responses", label: "Canned responses" },
  { key: "outbox", href: "/admin/outbox", label: "Outbox" },
  { key: "mail", href: "/admin/mail", label: "Mail intake" },
  { key: "alerts", href: "/admin/alerts", label: "Alerts" },
  { key: "keys", href: "/admin/keys", label: "Keys" },
] as const;
type Section = (typeof SECTIONS)[number]["key"];

/** The frame every admin page shares: the site layout plus the administration tabs. */
export function AdminLayout(
  props: AdminFrame & { title: string; section: Section; failed?: boolean; children?: Child },
) {
  return (
    <Layout
      title={props.failed ? `Error: ${props.title}` : props.title}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active={
        props.section === "scope" || props.section === "intake" || props.section === "responses"
          ? "settings"
          : props.section
      }
    >
      <nav class="admin-nav" aria-label="Administration">
        {SECTIONS.map((s) => (
          <a href={s.href} aria-current={s.key === props.section ? "page" : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      {props.children}
    </Layout>
  );
}

function Done(props: { message: string | null | undefined }) {
  return props.message ? (
    <div class="notice success" role="status" id="done">
      {props.message}
    </div>
  ) : null;
}

function Problem(props: { problem: FormProblem | null | undefined; id: string }) {
  return props.problem ? (
    <div class="notice error" role="alert" id={props.id}>
      {props.problem.message}
    </div>
  ) : null;
}

function Err(props: { errors: Errors | undefined; name: string; id: string }) {
  const message = props.errors?.[props.name];
  return message ? (
    <p class="field-error" id={`${props.id}-error`} role="alert">
      {message}
    </p>
  ) : null;
}

function Field(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  errors: Errors | undefined;
  type?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  min?: number;
  max?: number;
}) {
  const error = props.errors?.[props.name];
  return (
    <div class="field">
      <label for={props.id}>
        {props.label}
        {props.hint && <span class="hint">{props.hint}</span>}
      </label>
      <input
        type={props.type ?? "text"}
        id={props.id}
        name={props.name}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        min={props.min}
        max={props.max}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${props.id}-error` : undefined}
      />
      <Err errors={props.errors} name={props.name} id={props.id} />
    </div>
  );
}

function RoleSelect(props: { id: string; value: string; errors: Errors | undefined }) {
  return (
    <div class="field">
      <label for={props.id}>
        Role
        <span class="hint">
          Admins manage the team and settings; responders handle reports; viewers only read.
        </span>
      </label>
      <select id={props.id} name="role" aria-invalid={props.errors?.role ? "true" : undefined}>
        {ROLES.map((r) => (
          <option value={r} selected={props.value === r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      <Err errors={props.errors} name="role" id={props.id} />
    </div>
  );
}

/** A checkbox whose unchecked state is sent too: the hidden "false" comes first and a checked box overrides it. */
function Toggle(props: { id: string; name: string; label: string; checked: boolean }) {
  return (
    <>
      <input type="hidden" name={props.name} value="false" />
      <label class="choice" for={props.id}>
        <input type="checkbox" id={props.id} name={props.name} value="true" checked={props.checked} />{" "}
        {props.label}
      </label>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Team
// ---------------------------------------------------------------------------------------------

export interface TeamPageProps extends AdminFrame {
  members: readonly UserRow[];
  now: Date;
  /** Each member's OpenPGP key fingerprint, by user id; a member missing here has no key. */
  keyFingerprints?: ReadonlyMap<string, string>;
  done?: string | null;
  add?: FormProblem | null;
  edit?: (FormProblem & { id: string }) | null;
  /** A failed availability form: what was typed and the errors, by field. */
  availability?: { id: string; message: string; values: AvailabilityValues; errors: Errors } | null;
}

/** Who is on the team, with their availability for assignment, and the forms to add and change members. */
export function TeamPage(props: TeamPageProps) {
  const add = props.add;
  const addValues = add?.values ?? {};
  return (
    <AdminLayout
      {...props}
      title="Team"
      section="team"
      failed={Boolean(add || props.edit || props.availability)}
    >
      <h1>Team</h1>
      <Done message={props.done} />
      {props.availability && (
        <div class="notice error" role="alert" id="availability-error">
          <p>{props.availability.message}</p>
          <p>
            <a href={`#availability-${props.availability.id}`}>Go to the form</a>
          </p>
        </div>
      )}
      {props.edit && (
        <div class="notice error" role="alert" id="edit-error">
          <p>{props.edit.message}</p>
          <p>
            <a href={`#member-${props.edit.id}`}>Go to the form</a>
          </p>
        </div>
      )}
      <div class="table-wrap card flush">
        <table class="members">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Active</th>
              <th scope="col">Expertise</th>
              <th scope="col">Availability</th>
              <th scope="col">OpenPGP key</th>
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => {
              return (
                <tr class={m.active ? undefined : "inactive"} id={`row-${m.id}`}>
                  <td>
                    <a href={`#member-${m.id}`}>{m.name}</a>
                  </td>
                  <td class="break">{m.email}</td>
                  <td>{ROLE_LABELS[m.role]}</td>
                  <td>{m.active ? "Active" : <span class="badge">Disabled</span>}</td>
                  <td>
                    {m.expertise.length === 0 ? (
                      <span class="muted">—</span>
                    ) : (
                      m.expertise.map((tag) => <span class="badge tag">{tag}</span>)
                    )}
                  </td>
                  <td>
                    <AvailabilityNow user={m} now={props.now} />{" "}
                    {m.role !== "viewer" && (
                      <a class="small" href={`#availability-${m.id}`}>
                        change
                      </a>
                    )}
                  </td>
                  <MemberKeyCell member={m} fingerprint={props.keyFingerprints?.get(m.id) ?? null} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <section class="card" id="add-member" aria-labelledby="add-heading">
        <h2 id="add-heading">Add a member</h2>
        <Problem problem={add} id="add-error" />
        <form method="post" action="/admin/team" class="admin-form">
          <Csrf token={props.csrfToken} />
          <div class="form-grid">
            <Field
              id="add-email"
              name="email"
              label="Email"
              type="email"
              value={addValues.email ?? ""}
              errors={add?.errors}
              required
            />
            <Field
              id="add-name"
              name="name"
              label="Name"
              value={addValues.name ?? ""}
              errors={add?.errors}
              required
            />
            <RoleSelect id="add-role" value={addValues.role ?? "responder"} errors={add?.errors} />
            <Field
              id="add-password"
              name="password"
              label="Initial password"
              type="password"
              hint="At least 12 characters; tell it to them in person. Without one they cannot sign in yet."
              autocomplete="new-password"
              value=""
              errors={add?.errors}
            />
            <Field
              id="add-expertise"
              name="expertise"
              label="Expertise"
              hint="Tags separated by commas, e.g. web, auth, crypto. Used to suggest Response Managers."
              value={addValues.expertise ?? ""}
              errors={add?.errors}
            />
          </div>
          <div class="actions">
            <button type="submit">Add member</button>
          </div>
        </form>
      </section>

      <section aria-labelledby="edit-heading">
        <h2 id="edit-heading">Change members</h2>
        {props.members.map((m) => {
          const problem = props.edit?.id === m.id ? props.edit : null;
          const v = problem?.values;
          const active = v ? v.active === "true" || v.active === "on" : m.active;
          return (
            <details class="card member-edit" id={`member-${m.id}`} open={Boolean(problem)}>
              <summary>
                {m.name} <span class="muted small">{m.email}</span>
              </summary>
              <form method="post" action={`/admin/team/${m.id}`} class="admin-form">
                <Csrf token={props.csrfToken} />
                {problem && (
                  <p class="field-error" role="alert" id={`member-${m.id}-error`}>
                    {problem.message}
                  </p>
                )}
                <div class="form-grid">
                  <Field
                    id={`m-${m.id}-name`}
                    name="name"
                    label="Name"
                    value={v?.name ?? m.name}
                    errors={problem?.errors}
                  />
                  <RoleSelect id={`m-${m.id}-role`} value={v?.role ?? m.role} errors={problem?.errors} />
                  <Field
                    id={`m-${m.id}-expertise`}
                    name="expertise"
                    label="Expertise"
                    hint="Comma separated."
                    value={v?.expertise ?? m.expertise.join(", ")}
                    errors={problem?.errors}
                  />
                  <Field
                    id={`m-${m.id}-note`}
                    name="availabilityNote"
                    label="Availability note"
                    value={v?.availabilityNote ?? m.availabilityNote}
                    errors={problem?.errors}
                  />
                  <Field
                    id={`m-${m.id}-password`}
                    name="password"
                    label="New password"
                    type="password"
                    hint="Leave empty to keep the current one. Setting one signs them out everywhere."
                    autocomplete="new-password"
                    value=""
                    errors={problem?.errors}
                  />
                </div>
                <Toggle
                  id={`m-${m.id}-active`}
                  name="active"
                  label="Active (may sign in and be assigned reports)"
                  checked={active}
                />
                <Err errors={problem?.errors} name="active" id={`m-${m.id}-active`} />
                <div class="actions">
                  <button type="submit">Save {m.name}</button>
                </div>
              </form>
            </details>
          );
        })}
      </section>

      <section aria-labelledby="availability-heading">
        <h2 id="availability-heading">Availability</h2>
        <p class="hint">
          Reports are assigned automatically only to active responders and admins who are not away and are
          inside their working hours, read in their own time zone. Members can also set their own on “My
          availability”.
        </p>
        <TimeZoneList />
        {props.members
          .filter((m) => m.role !== "viewer")
          .map((m) => {
            const failed = props.availability?.id === m.id ? props.availability : null;
            return (
              <details class="card member-edit" id={`availability-${m.id}`} open={Boolean(failed)}>
                <summary>
                  {m.name} <span class="muted small">{m.timeZone}</span>
                </summary>
                <AvailabilityForm
                  action={`/admin/team/${m.id}/availability`}
                  prefix={`av-${m.id}`}
                  values={failed?.values ?? availabilityValues(m)}
                  errors={failed?.errors}
                  message={failed?.message}
                  csrfToken={props.csrfToken}
                  submit={`Save availability of ${m.name}`}
                />
              </details>
            );
          })}
      </section>
    </AdminLayout>
  );
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

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

export interface SettingsPageProps extends AdminFrame {
  org: Values;
  orgProblem?: FormProblem | null;
  sla: SlaFormValues;
  slaProblem?: FormProblem | null;
  done?: string | null;
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
            label="Security contact email"
            type="email"
            hint="Optional; published in security.txt."
            value={o.securityEmail ?? ""}
            errors={oe}
          />
          <Field
            id="org-languages"
            name="preferredLanguages"
            label="Preferred languages"
            hint="Language tags separated by commas, e.g. en, de."
            value={o.preferredLanguages ?? ""}
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
          <AutoAssignFieldset value={o.autoAssign} error={oe?.autoAssign} />
          <SignSecurityTxtFieldset value={o.signSecurityTxt} error={oe?.signSecurityTxt} />
          <DuplicateReferenceFieldset
            value={o.revealDuplicateReference}
            error={oe?.revealDuplicateReference}
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

// ---------------------------------------------------------------------------------------------
// Scope
// ---------------------------------------------------------------------------------------------

const ASSET_KINDS = ["web", "api", "mobile", "source", "package", "infrastructure", "other"] as const;

function AssetFields(props: {
  prefix: string;
  values: Values;
  errors: Errors | undefined;
  editing: boolean;
}) {
  const v = props.values;
  const p = props.prefix;
  const inScope = v.inScope !== "out" && v.inScope !== "false";
  return (
    <>
      <div class="form-grid">
        <Field
          id={`${p}-name`}
          name="name"
          label="Name"
          value={v.name ?? ""}
          errors={props.errors}
          required
        />
        <Field
          id={`${p}-identifier`}
          name="identifier"
          label="Identifier"
          hint="Domain, URL, repository or package name."
          value={v.identifier ?? ""}
          errors={props.errors}
        />
        <div class="field">
          <label for={`${p}-kind`}>Kind</label>
          <select id={`${p}-kind`} name="kind">
            {ASSET_KINDS.map((k) => (
              <option value={k} selected={(v.kind ?? "web") === k}>
                {k}
              </option>
            ))}
          </select>
          <Err errors={props.errors} name="kind" id={`${p}-kind`} />
        </div>
        <Field
          id={`${p}-tags`}
          name="tags"
          label="Tags"
          hint="Comma separated."
          value={v.tags ?? ""}
          errors={props.errors}
        />
      </div>
      <fieldset>
        <legend>Scope</legend>
        <label class="choice">
          <input type="radio" name="inScope" value="in" checked={inScope} /> In scope: we want reports about
          it
        </label>
        <label class="choice">
          <input type="radio" name="inScope" value="out" checked={!inScope} /> Out of scope
        </label>
        <Err errors={props.errors} name="inScope" id={`${p}-scope`} />
      </fieldset>
      <label for={`${p}-description`}>Description</label>
      <textarea id={`${p}-description`} name="description" rows={3}>
        {v.description ?? ""}
      </textarea>
      <Err errors={props.errors} name="description" id={`${p}-description`} />
      {props.editing && (
        <Toggle
          id={`${p}-active`}
          name="active"
          label="Listed (unlisted assets stay on old reports but leave the policy and the form)"
          checked={v.active !== "false"}
        />
      )}
    </>
  );
}

/** An asset's stored values as the form shows them. */
export function assetValues(a: AssetRow): Values {
  return {
    name: a.name,
    identifier: a.identifier,
    kind: a.kind,
    tags: a.tags.join(", "),
    inScope: a.inScope ? "in" : "out",
    description: a.description,
    active: a.active ? "true" : "false",
  };
}

export interface ScopePageProps extends AdminFrame {
  assets: readonly AssetRow[];
  add?: FormProblem | null;
  edit?: (FormProblem & { id: string }) | null;
  done?: string | null;
}

/** The scope researchers see on the policy page: what we want reports about, and what we do not. */
export function ScopePage(props: ScopePageProps) {
  return (
    <AdminLayout {...props} title="Scope" section="scope" failed={Boolean(props.add || props.edit)}>
      <h1>Scope</h1>
      <Done message={props.done} />
      {props.edit && (
        <div class="notice error" role="alert" id="edit-error">
          <p>{props.edit.message}</p>
        </div>
      )}
      {props.assets.length === 0 ? (
        <p class="empty-state card">No assets yet. Reports can still name “Other”.</p>
      ) : (
        <div class="table-wrap card flush">
          <table class="assets">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Identifier</th>
                <th scope="col">Kind</th>
                <th scope="col">Scope</th>
                <th scope="col">Listed</th>
                <th scope="col">Tags</th>
              </tr>
            </thead>
            <tbody>
              {props.assets.map((a) => (
                <tr class={a.active ? undefined : "inactive"}>
                  <td>
                    <a href={`#asset-${a.id}`}>{a.name}</a>
                  </td>
                  <td class="mono small break">{a.identifier}</td>
                  <td>{a.kind}</td>
                  <td>
                    {a.inScope ? (
                      <span class="badge sla-ok">In scope</span>
                    ) : (
                      <span class="badge sla-overdue">Out of scope</span>
                    )}
                  </td>
                  <td>{a.active ? "Yes" : "No"}</td>
                  <td>{a.tags.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section class="card" id="add-asset" aria-labelledby="add-asset-heading">
        <h2 id="add-asset-heading">Add an asset</h2>
        <Problem problem={props.add} id="add-error" />
        <form method="post" action="/admin/scope" class="admin-form">
          <Csrf token={props.csrfToken} />
          <AssetFields
            prefix="new-asset"
            values={props.add?.values ?? {}}
            errors={props.add?.errors}
            editing={false}
          />
          <div class="actions">
            <button type="submit">Add asset</button>
          </div>
        </form>
      </section>

      {props.assets.length > 0 && (
        <section aria-labelledby="edit-assets-heading">
          <h2 id="edit-assets-heading">Change assets</h2>
          {props.assets.map((a) => {
            const problem = props.edit?.id === a.id ? props.edit : null;
            return (
              <details class="card" id={`asset-${a.id}`} open={Boolean(problem)}>
                <summary>{a.name}</summary>
                <form method="post" action={`/admin/scope/${a.id}`} class="admin-form">
                  <Csrf token={props.csrfToken} />
                  {problem && (
                    <p class="field-error" role="alert">
                      {problem.message}
                    </p>
                  )}
                  <AssetFields
                    prefix={`asset-${a.id}`}
                    values={problem?.values ?? assetValues(a)}
                    errors={problem?.errors}
                    editing
                  />
                  <div class="actions">
                    <button type="submit">Save {a.name}</button>
                  </div>
                </form>
              </details>
            );
          })}
        </section>
      )}
    </AdminLayout>
  );
}

// ---------------------------------------------------------------------------------------------
// Outbox
// ---------------------------------------------------------------------------------------------

export interface OutboxPageProps extends AdminFrame {
  rows: readonly OutboxRow[];
  smtpConfigured: boolean;
}

const OUTBOX_STATUS_CLASS: Record<string, string> = {
  queued: "sla-due_soon",
  held: "sla-due_soon",
  sent: "sla-met",
  failed: "sla-overdue",
  bounced: "sla-overdue",
};

/** Mail the system wrote, so nothing is silently lost when SMTP is missing or failing. */
export function OutboxPage(props: OutboxPageProps) {
  return (
    <AdminLayout {...props} title="Outbox" section="outbox">
      <h1>Outbox</h1>
      {props.smtpConfigured ? (
        <p class="notice" id="smtp-notice">
          Mail is sent through SMTP. Failed mail stays here with its error, so you can forward it by hand.
        </p>
      ) : (
        <p class="notice warn" id="smtp-notice">
          SMTP_URL is not set, so no mail leaves this server: it is held here for an admin to forward. Copy
          the recipient, subject and body into your own mail client.
        </p>
      )}
      {props.rows.length === 0 ? (
        <p class="empty-state card">The outbox is empty.</p>
      ) : (
        <div class="table-wrap card flush">
          <table class="outbox">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">To</th>
                <th scope="col">Subject and body</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr>
                  <td class="nowrap small">{formatDate(row.createdAt)}</td>
                  <td class="break">{row.toAddress}</td>
                  <td>
                    <details>
                      <summary>{row.subject}</summary>
                      <pre class="mail-body">{row.body}</pre>
                    </details>
                  </td>
                  <td>
                    <span class={`badge ${OUTBOX_STATUS_CLASS[row.status] ?? ""}`}>{row.status}</span>
                    {row.lastError && <span class="small field-error block">{row.lastError}</span>}
                  </td>
                  <td>{row.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}
