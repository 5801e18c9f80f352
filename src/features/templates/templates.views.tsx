import type { CurrentUser } from "../../core/actors.ts";
import {
  TEMPLATE_PURPOSES,
  TEMPLATE_VARIABLE_NAMES,
  TEMPLATE_VARIABLES,
  type TemplateProblem,
  templatePurposeLabel,
} from "../../domain/templates.ts";
import { AdminLayout } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { TemplateRow } from "./templates.repo.ts";
import { TEMPLATE_BODY_MAX } from "./templates.schema.ts";

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
      <DataTable
        class="templates"
        columns={["Name", "Purpose", "Status", "Last changed", "Change"]}
        rows={props.templates}
        empty={"No canned responses yet. Add the first one below."}
        row={(t) => (
          <tr class={t.active ? undefined : "inactive"} id={`template-${t.id}`}>
            <td>
              <a href={`/admin/responses/${t.id}`}>{t.name}</a>
            </td>
            <td>{templatePurposeLabel(t.purpose)}</td>
            <td>
              {t.active ? <span class="badge sla-ok">Active</span> : <span class="badge">Inactive</span>}
            </td>
            <td class="nowrap small">{formatDate(t.updatedAt)}</td>
            <td class="nowrap">
              <ActiveToggle id={t.id} active={t.active} csrfToken={props.csrfToken} name={t.name} />
            </td>
          </tr>
        )}
      />

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
