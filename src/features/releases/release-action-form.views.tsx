// One action of the release page: a form posting to /releases/:id/actions, its fields kept and its refusal shown
// when it comes back refused; folded under its label when the page has many.

import { type FormProblem, Problem } from "../../http/components/admin-layout.tsx";
import { Field } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";

export function ActionForm(props: {
  id: string;
  csrfToken: string | null;
  action: string;
  label: string;
  fields?: { name: string; label: string; value?: string }[];
  hidden?: Record<string, string>;
  problem: FormProblem | null;
  /** Folded under its label until opened (open again when it was refused). */
  fold?: boolean;
  /** An action that cannot be taken back, styled as such. */
  danger?: boolean;
}) {
  const mine = props.problem?.values.action === props.action ? props.problem : null;
  const form = (
    <form
      method="post"
      action={`/releases/${props.id}/actions`}
      class="admin-form"
      id={`action-${props.action}`}
    >
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="action" value={props.action} />
      {Object.entries(props.hidden ?? {}).map(([k, val]) => (
        <input type="hidden" name={k} value={val} />
      ))}
      <Problem problem={mine} id={`action-${props.action}-error`} />
      {(props.fields ?? []).map((f) => (
        <Field
          id={`action-${props.action}-${f.name}`}
          name={f.name}
          label={f.label}
          value={mine?.values[f.name] ?? f.value ?? ""}
          errors={mine?.errors}
        />
      ))}
      <button type="submit" class={props.danger ? "danger" : undefined}>
        {props.label}
      </button>
    </form>
  );
  return props.fold ? (
    <details class="action" open={mine !== null}>
      <summary>{props.label}</summary>
      {form}
    </details>
  ) : (
    form
  );
}
