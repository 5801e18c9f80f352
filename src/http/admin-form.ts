// What the admin pages share when a form is refused: the posted fields they keep, the service's refusal turned
// into a form problem, and a kept form state turned back into the FormProblem the admin views show.

import { AppError } from "../core/errors.ts";
import type { FormProblem } from "./components/admin-layout.tsx";
import type { ParsedBody } from "./form.ts";
import { type FormState, retypeNote } from "./form-state.ts";

/** The named fields of a posted form that were sent, as text (the last text value of a repeated field). */
export function pickFields(body: ParsedBody, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const raw = body[name];
    const texts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
      (v): v is string => typeof v === "string",
    );
    const value = texts.at(-1);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/**
 * A service's refusal with one of `statuses` (400 by default) as a form problem shown on the page; null for any
 * other error, which is a real one and propagates.
 */
export function formProblem(
  error: unknown,
  statuses: readonly number[] = [400],
): { message: string; errors: Record<string, string> } | null {
  if (!(error instanceof AppError) || !statuses.includes(error.status)) return null;
  return { message: error.userMessage, errors: error.fields ?? {} };
}

/** A kept form state as the admin views' FormProblem: flat text values, secrets already left out. */
export function problemOf(state: FormState): FormProblem {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.values)) values[k] = Array.isArray(v) ? (v[0] ?? "") : v;
  return { message: state.message + retypeNote(state), errors: state.errors, values };
}
