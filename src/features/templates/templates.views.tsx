import type { CurrentUser } from "../../core/actors.ts";
import {
  TEMPLATE_PURPOSES,
  TEMPLATE_VARIABLE_NAMES,
  TEMPLATE_VARIABLES,
  type TemplateProblem,
  templatePurposeLabel,
} from "../../domain/templates.ts";
import { Csrf, formatDate } from "../../http/layout.tsx";
import { AdminLayout } from "../team/admin.views.tsx";
import type { TemplateRow } from "./templates.repo.ts";
import { TEMPLATE_BODY_MAX } from "./templates.schema.ts";

// ---------------------------------------------------------------------------------------------
// The picker
// ---------------------------------------------------------------------------------------------

/** The reply forms of the report page that can be filled from a template, with their textarea. */
export const PICKER_FORMS = {
  message: { target: "message-body", purposes: null },
  acknowledge: { target: "acknowledge-message", purposes: ["acknowledgement"] },
  reject: { target: "reject-message", purposes: ["rejection:*"] },
  mark_duplicate: {
    target: "duplicate-message",
    purposes: ["rejection:duplicate"],
  },
  close: { target: "close-message", purposes: ["final_feedback"] },
  request_info: { target: "request-info-message", purposes: ["needs_info"] },
} as const satisfies Record<string, { target: string; purposes: readonly string[] | null }>;
export type PickerForm = keyof typeof PICKER_FORMS;

export function isPickerForm(value: unknown): value is PickerForm {
  return typeof value === "string" && Object.hasOwn(PICKER_FORMS, value);
}

/** Whether a form offers a template: its own purposes plus general ones; the reply form offers every one. */
export function offeredIn(form: PickerForm, purpose: string): boolean {
  const purposes: readonly string[] | null = PICKER_FORMS[form].purposes;
  if (purposes === null || purpose === "general") return true;
  return purposes.some((p) =>
    p.endsWith(":*")
      ? purpose.startsWith(p.slice(0, -1)) && purpose !== "rejection:duplicate"
      : p === purpose,
  );
}

/** What a picker lists: id, name and purpose of the active templates. */
export type PickerTemplate = Pick<TemplateRow, "id" | "name" | "purpose">;

/** A template filled in for one form (the no-JS path): the text, or why it could not be filled. */
export interface TemplatePrefill {
  form: PickerForm;
  templateId: string;
  templateName: string | null;
  text: string | null;
  /** For the reject form: the reason the template's purpose names. */
  reason: string | null;
  problems: readonly string[];
}

/** The text a form's textarea starts with when its picker was used, or undefined. */
export function prefilledText(
  prefill: TemplatePrefill | null | undefined,
  form: PickerForm,
): string | undefined {
  return prefill?.form === form && prefill.text !== null ? prefill.text : undefined;
}

/** Whether a folded form should open because its picker was just used. */
export function pickedFor(prefill: TemplatePrefill | null | undefined, form: string): boolean {
  return prefill?.form === form;
}

/**
 * Choose a canned response for a reply form. Without JS it is a GET form that reloads the report page with the
 * textarea filled in (`?use=<id>&for=<form>#<form>-picker`, so its status shows above the form); with JS, /static/js/templates.js fills the textarea in
 * place. It sits next to (never inside) the form it fills, since forms cannot nest.
 */
export function TemplatePicker(props: {
  form: PickerForm;
  reference: string;
  templates: readonly PickerTemplate[] | null | undefined;
  prefill?: TemplatePrefill | null | undefined;
}) {
  const spec = PICKER_FORMS[props.form];
  const offered = (props.templates ?? []).filter((t) => offeredIn(props.form, t.purpose));
  if (offered.length === 0) return null;
  const mine = props.prefill?.form === props.form ? props.prefill : null;
  const id = `${props.form}-template`;
  const groups = new Map<string, PickerTemplate[]>();
  for (const t of offered) groups.set(t.purpose, [...(groups.get(t.purpose) ?? []), t]);
  return (
    <>
      <form
        method="get"
        action={`/reports/${props.reference}#${props.form}-picker`}
        class="template-picker"
        id={`${props.form}-picker`}
        data-template-picker=""
        data-target={spec.target}
        data-render={`/reports/${props.reference}/templates/`}
        data-form={props.form}
        data-reason={props.form === "reject" ? "reject-reason" : undefined}
      >
        <label for={id}>Canned response</label>
        <div class="template-picker-row">
          <select
            id={id}
            name="use"
            aria-invalid={mine && mine.problems.length > 0 ? "true" : undefined}
            aria-describedby={mine && mine.problems.length > 0 ? `${id}-error` : `${id}-hint`}
          >
            <option value="">Choose a template…</option>
            {[...groups.entries()].map(([purpose, list]) => (
              <optgroup label={templatePurposeLabel(purpose)}>
                {list.map((t) => (
                  <option value={t.id} selected={mine?.templateId === t.id}>
                    {t.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          <input type="hidden" name="for" value={props.form} />
          <button type="submit" class="secondary">
            Fill in
          </button>
        </div>
        <p class="hint" id={`${id}-hint`}>
          Replaces the text below with the template, filled in for this report; edit it before sending.
        </p>
        <div class="template-status" aria-live="polite" id={`${id}-status`}>
          {mine && mine.problems.length > 0 && (
            <div class="field-error" role="alert" id={`${id}-error`}>
              <p>
                {mine.templateName
                  ? `“${mine.templateName}” cannot be used here:`
                  : "That template cannot be used:"}
              </p>
              <ul>
                {mine.problems.map((p) => (
                  <li>{p}</li>
                ))}
              </ul>
            </div>
          )}
          {mine && mine.problems.length === 0 && mine.templateName && (
            <p class="small">Filled in from “{mine.templateName}”. Check and edit the text before sending.</p>
          )}
        </div>
      </form>
      <script src="/static/js/templates.js" defer></script>
    </>
  );
}

/** The reason a picked rejection template names, for the reject form's reason select. */
export function prefilledReason(prefill: TemplatePrefill | null | undefined): string | undefined {
  return prefill?.form === "reject" && prefill.reason ? prefill.reason : undefined;
}

// ---------------------------------------------------------------------------------------------
// Admin: /admin/responses
// ---------------------------------------------------------------------------------------------

type Errors = Record<string, string>;

/** The editor's state: what was typed, and either the problems or a preview. */
export interface TemplateFormState {
  values: { name: string; purpose: string; body: string; active: boolean };
  message?: string | null;
  errors?: Errors;
  problems?: readonly TemplateProblem[];
  preview?: { ok: true; text: string } | { ok: false; problems: readonly TemplateProblem[] } | null;
}

interface Frame {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
}

const PROBLEMS_SHOWN = 50;

function Problems(props: { id: string; problems: readonly TemplateProblem[]; title: string }) {
  const shown = props.problems.slice(0, PROBLEMS_SHOWN);
  return (
    <div class="field-error template-problems" id={props.id} role="alert">
      <p>{props.title}</p>
      <ul>
        {shown.map((p) => (
          <li>{p.message}</li>
        ))}
      </ul>
      {props.problems.length > shown.length && (
        <p>…and {props.problems.length - shown.length} more problems.</p>
      )}
    </div>
  );
}

/** The list of variables, next to every body textarea. */
export function VariableList() {
  return (
    <details class="template-variables" open>
      <summary>Variables</summary>
      <p class="hint">
        Write <code>{"{{ name }}"}</code>. Any other name, an unclosed <code>{"{{"}</code>, a stray{" "}
        <code>{"}}"}</code> or an empty <code>{"{{}}"}</code> is refused with its line and column. The text is
        plain text: no HTML or Markdown.
      </p>
      <dl class="variables">
        {TEMPLATE_VARIABLE_NAMES.map((name) => (
          <>
            <dt>
              <code>{`{{${name}}}`}</code>
            </dt>
            <dd>{TEMPLATE_VARIABLES[name].description}</dd>
          </>
        ))}
      </dl>
    </details>
  );
}

function TemplateForm(props: {
  prefix: string;
  action: string;
  csrfToken: string | null;
  state: TemplateFormState;
  submit: string;
}) {
  const { state, prefix } = props;
  const v = state.values;
  const errors = state.errors ?? {};
  const problems = state.problems ?? [];
  const bodyInvalid = problems.length > 0 || Boolean(errors.body);
  return (
    <form method="post" action={props.action} class="admin-form template-form">
      <Csrf token={props.csrfToken} />
      {state.message && (
        <div class="notice error" role="alert" id={`${prefix}-error`}>
          {state.message}
        </div>
      )}
      <div class="field">
        <label for={`${prefix}-name`}>
          Name <span class="hint">Shown in the pickers; unique.</span>
        </label>
        <input
          type="text"
          id={`${prefix}-name`}
          name="name"
          value={v.name}
          required
          maxlength={120}
          aria-invalid={errors.name ? "true" : undefined}
          aria-describedby={errors.name ? `${prefix}-name-error` : undefined}
        />
        {errors.name && (
          <p class="field-error" id={`${prefix}-name-error`} role="alert">
            {errors.name}
          </p>
        )}
      </div>
      <div class="field">
        <label for={`${prefix}-purpose`}>
          Purpose <span class="hint">Which reply forms offer it; General ones are offered everywhere.</span>
        </label>
        <select
          id={`${prefix}-purpose`}
          name="purpose"
          aria-invalid={errors.purpose ? "true" : undefined}
          aria-describedby={errors.purpose ? `${prefix}-purpose-error` : undefined}
        >
          {TEMPLATE_PURPOSES.map((p) => (
            <option value={p} selected={v.purpose === p}>
              {templatePurposeLabel(p)}
            </option>
          ))}
        </select>
        {errors.purpose && (
          <p class="field-error" id={`${prefix}-purpose-error`} role="alert">
            {errors.purpose}
          </p>
        )}
      </div>
      <div class="template-editor">
        <div class="field">
          <label for={`${prefix}-body`}>
            Text{" "}
            <span class="hint">Plain text, up to {TEMPLATE_BODY_MAX.toLocaleString("en")} characters.</span>
          </label>
          <textarea
            id={`${prefix}-body`}
            name="body"
            rows={14}
            required
            aria-invalid={bodyInvalid ? "true" : undefined}
            aria-describedby={bodyInvalid ? `${prefix}-body-error` : `${prefix}-variables`}
          >
            {v.body}
          </textarea>
          {problems.length > 0 ? (
            <Problems
              id={`${prefix}-body-error`}
              problems={problems}
              title={
                problems.length === 1
                  ? "The text has 1 problem; nothing was saved:"
                  : `The text has ${problems.length} problems; nothing was saved:`
              }
            />
          ) : (
            errors.body && (
              <p class="field-error" id={`${prefix}-body-error`} role="alert">
                {errors.body}
              </p>
            )
          )}
        </div>
        <div id={`${prefix}-variables`}>
          <VariableList />
        </div>
      </div>
      <input type="hidden" name="active" value="false" />
      <label class="choice" for={`${prefix}-active`}>
        <input type="checkbox" id={`${prefix}-active`} name="active" value="true" checked={v.active} />{" "}
        Active: offered in the pickers
      </label>
      {state.preview && (
        <section
          class="template-preview-box"
          id={`${prefix}-preview`}
          aria-labelledby={`${prefix}-preview-heading`}
        >
          <h3 id={`${prefix}-preview-heading`}>Preview</h3>
          {state.preview.ok ? (
            <>
              <p class="hint">
                Filled in for a sample report (EMB-…-0042 by “Jane Researcher”). Nothing was saved.
              </p>
              <pre class="template-preview">{state.preview.text}</pre>
            </>
          ) : (
            <Problems
              id={`${prefix}-preview-error`}
              problems={state.preview.problems}
              title="The preview cannot be shown:"
            />
          )}
        </section>
      )}
      <div class="actions">
        <button type="submit" name="intent" value="save">
          {props.submit}
        </button>
        <button
          type="submit"
          name="intent"
          value="preview"
          class="secondary"
          formaction={`${props.action.split("#")[0]}#${prefix}-preview`}
          formnovalidate
        >
          Preview
        </button>
      </div>
    </form>
  );
}

export interface ResponsesPageProps extends Frame {
  templates: readonly TemplateRow[];
  add: TemplateFormState | null;
  done?: string | null;
  failed?: boolean;
}

export const EMPTY_TEMPLATE_FORM: TemplateFormState = {
  values: { name: "", purpose: "general", body: "", active: true },
};

/** The canned responses: every template with its purpose and state, and the form to add one. */
export function ResponsesPage(props: ResponsesPageProps) {
  return (
    <AdminLayout {...props} title="Canned responses" section="responses" failed={props.failed}>
      <h1>Canned responses</h1>
      <p>
        Templates the team picks in every reply form: the acknowledgement, requests for information, each
        rejection reason and the final feedback. The active acknowledgement template is also what
        “Acknowledge” sends when the team writes no message.
      </p>
      {props.done && (
        <div class="notice success" role="status" id="done">
          {props.done}
        </div>
      )}
      {props.templates.length === 0 ? (
        <p class="empty-state card">No canned responses yet. Add the first one below.</p>
      ) : (
        <div class="table-wrap card flush">
          <table class="templates">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Purpose</th>
                <th scope="col">Status</th>
                <th scope="col">Last changed</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {props.templates.map((t) => (
                <tr class={t.active ? undefined : "inactive"} id={`template-${t.id}`}>
                  <td>
                    <a href={`/admin/responses/${t.id}`}>{t.name}</a>
                  </td>
                  <td>{templatePurposeLabel(t.purpose)}</td>
                  <td>
                    {t.active ? (
                      <span class="badge sla-ok">Active</span>
                    ) : (
                      <span class="badge">Inactive</span>
                    )}
                  </td>
                  <td class="nowrap small">{formatDate(t.updatedAt)}</td>
                  <td class="nowrap">
                    <ActiveToggle id={t.id} active={t.active} csrfToken={props.csrfToken} name={t.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section class="card" id="add-response" aria-labelledby="add-response-heading">
        <h2 id="add-response-heading">Add a canned response</h2>
        <TemplateForm
          prefix="new-template"
          action="/admin/responses#add-response"
          csrfToken={props.csrfToken}
          state={props.add ?? EMPTY_TEMPLATE_FORM}
          submit="Add canned response"
        />
      </section>
    </AdminLayout>
  );
}

function ActiveToggle(props: { id: string; active: boolean; csrfToken: string | null; name: string }) {
  return (
    <form method="post" action={`/admin/responses/${props.id}/active`} class="inline">
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="active" value={props.active ? "false" : "true"} />
      <button
        type="submit"
        class="secondary small"
        aria-label={`${props.active ? "Deactivate" : "Activate"} ${props.name}`}
      >
        {props.active ? "Deactivate" : "Activate"}
      </button>
    </form>
  );
}

export interface ResponseEditPageProps extends Frame {
  template: TemplateRow;
  state: TemplateFormState;
  done?: string | null;
  failed?: boolean;
}

/** One template's editor, with its preview and the switch to take it out of the pickers. */
export function ResponseEditPage(props: ResponseEditPageProps) {
  const t = props.template;
  return (
    <AdminLayout {...props} title={`Canned response: ${t.name}`} section="responses" failed={props.failed}>
      <p class="muted small">
        <a href="/admin/responses">← Canned responses</a>
      </p>
      <h1>{t.name}</h1>
      <div class="row small">
        <span>
          {templatePurposeLabel(t.purpose)} · {t.active ? "Active" : "Inactive"} · last changed{" "}
          {formatDate(t.updatedAt)}
        </span>
        <ActiveToggle id={t.id} active={t.active} csrfToken={props.csrfToken} name={t.name} />
      </div>
      {props.done && (
        <div class="notice success" role="status" id="done">
          {props.done}
        </div>
      )}
      <section class="card" id="edit-response" aria-label="Edit">
        <TemplateForm
          prefix="template"
          action={`/admin/responses/${t.id}`}
          csrfToken={props.csrfToken}
          state={props.state}
          submit="Save"
        />
      </section>
    </AdminLayout>
  );
}
