import type { Context } from "hono";

// The types of one-time form states (http/form-state.ts), apart so the request context (env.ts) can name the
// store without importing its implementation.

/** A refused form as the page it redirects to shows it again. */
export interface FormState {
  /** Which form of the page it belongs to ("add", "edit", an action name). */
  form: string;
  target?: string | undefined;
  message: string;
  errors: Record<string, string>;
  values: Record<string, string | string[]>;
  /** Fields that were filled in but not kept (secrets), so the page can ask for them again. */
  omitted: string[];
  extra?: Record<string, unknown> | undefined;
}

/** What a refused post keeps: which form, why, and what was typed. */
export interface FormStateInput {
  /** Which form of the page it belongs to ("add", "edit", an action name). */
  form: string;
  /** The row or item the form was about, when the page has one form per row. */
  target?: string;
  message?: string;
  errors?: Record<string, string>;
  values: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Further fields this form must not keep, beyond NEVER_KEPT (e.g. a pasted private key). */
  omit?: readonly string[];
  /** Small JSON details the page needs to draw the form again. */
  extra?: Record<string, unknown>;
}

/** Stores and hands back one-time form states; `provideFormStates` puts it on every request. */
export interface FormStateStore {
  keep(c: Context, path: string, input: FormStateInput): Promise<string>;
  take(c: Context, path: string, id: string): Promise<FormState | null>;
}
