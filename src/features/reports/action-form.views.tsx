import type { Child } from "hono/jsx";
import { ACTION_LABELS, type ReportAction } from "../../domain/workflow.ts";
import { Csrf } from "../../http/layout.tsx";
import {
  type PickerForm,
  pickedFor,
  prefilledText,
  TemplatePicker,
} from "../templates/template-picker.views.tsx";
import type { ActionProblem, ReportPageProps } from "./report-parts.views.tsx";

export function ActionForm(props: {
  reference: string;
  csrfToken: string | null;
  action: ReportAction;
  problem: ActionProblem | null | undefined;
  submit: string;
  variant?: "secondary" | "danger";
  children?: Child;
}) {
  const error = props.problem?.action === props.action ? props.problem.message : null;
  return (
    <form
      method="post"
      action={`/reports/${props.reference}/actions`}
      class="action-form"
      id={`action-${props.action}`}
    >
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="action" value={props.action} />
      {props.children}
      {error && (
        <p class="field-error action-error" id={`action-${props.action}-error`} role="alert">
          {error}
        </p>
      )}
      <button type="submit" class={props.variant}>
        {props.submit}
      </button>
    </form>
  );
}

/** An action with parameters, folded so the page stays short; it opens when its form needs attention. */
export function Folded(props: {
  action: ReportAction;
  problem: ActionProblem | null | undefined;
  children?: Child;
  summary?: string;
  open?: boolean;
}) {
  const open = props.open || props.problem?.action === props.action;
  return (
    <details class="action" open={open}>
      <summary>{props.summary ?? ACTION_LABELS[props.action]}</summary>
      {props.children}
    </details>
  );
}

/** What every action form reads: the report, the refused action with what was typed, and the template picker. */
export function actionKit(props: ReportPageProps) {
  const { view, problem } = { view: props.view, problem: props.actionProblem };
  const available = new Set(view.availableActions);
  const ref = view.reference;
  const csrf = props.csrfToken;
  const mine = (action: ReportAction) => (problem?.action === action ? problem : null);
  const fields = (action: ReportAction) => mine(action)?.fields;
  const values = (action: ReportAction) => mine(action)?.values ?? {};
  const tp = props.templatePicker;
  const picker = (form: PickerForm) => (
    <TemplatePicker form={form} reference={ref} templates={tp?.templates} prefill={tp?.prefill} />
  );
  const picked = (form: PickerForm) => pickedFor(tp?.prefill, form);
  const filled = (form: PickerForm) => prefilledText(tp?.prefill, form);
  return { view, problem, available, ref, csrf, mine, fields, values, tp, picker, picked, filled };
}

export type ActionKit = ReturnType<typeof actionKit>;
