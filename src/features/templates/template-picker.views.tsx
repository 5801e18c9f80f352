import { templatePurposeLabel } from "../../domain/templates.ts";
import type { TemplateRow } from "./templates.repo.ts";

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
