// A posted action form read into the reports service's input: every text field once, and for the OWASP factor
// form the canonical vector built from its sixteen selects, so the service sees one shape whichever form was used.

import { formatOwaspVector, parseOwaspFactorFields } from "../../domain/owasp-risk.ts";
import { formText, type ParsedBody } from "../../http/form.ts";
import type { ActionProblem } from "./report-parts.views.tsx";

/** Every text field of a posted form except the CSRF token, first value of each, for re-rendering and the service. */
export function formValues(body: ParsedBody): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of Object.keys(body)) {
    if (key === "_csrf") continue;
    const value = formText(body, key);
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/**
 * Turns a posted action form into the service's input. For the OWASP factor form the vector is built here from
 * the sixteen selects, so the service receives one canonical vector whichever form was used.
 */
export function actionInput(
  values: Record<string, string>,
):
  | { ok: true; input: Record<string, string | null>; owaspSource?: "factors" | "vector" }
  | { ok: false; problem: ActionProblem } {
  const action = values.action ?? null;
  if (action === "set_severity") {
    const reason = values.reason?.trim() ? values.reason : null;
    if (Object.hasOwn(values, "owasp")) {
      return { ok: true, input: { action, owasp: values.owasp ?? "", reason }, owaspSource: "vector" };
    }
    const factors = parseOwaspFactorFields(values);
    if (!factors.ok) {
      const errors = factors.errors as Record<string, string>;
      const count = Object.keys(errors).length;
      return {
        ok: false,
        problem: {
          action,
          message:
            count === 1
              ? (Object.values(errors)[0] ?? "Choose a value for every factor.")
              : `Choose a value for every factor: ${count} factors need attention.`,
          fields: errors,
          values,
          owaspSource: "factors",
        },
      };
    }
    return {
      ok: true,
      input: { action, owasp: formatOwaspVector(factors.value), reason },
      owaspSource: "factors",
    };
  }
  // A field left empty means "not given": optional parameters become absent, required ones fail validation.
  const input: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(values)) if (value.trim() !== "") input[key] = value;
  return { ok: true, input };
}
