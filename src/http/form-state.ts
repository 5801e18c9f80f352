import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { type Db, transaction } from "../core/db.ts";
import type { DataCipher } from "../crypto/data-key.ts";
import { randomToken, sha256Hex } from "../crypto/tokens.ts";
import { SESSION_COOKIE } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { insertFormState, takeFormStateRow } from "./form-state.repo.ts";
import type { FormState, FormStateInput, FormStateStore } from "./form-state.types.ts";

export type { FormState, FormStateInput, FormStateStore };

// Post/redirect/get for refused forms. A form post that fails validation does not answer with the page (a
// reload would send the form again); it keeps what was typed and the errors as a one-time form state and
// redirects (303) to the page, which reads the state once and shows the errors with the values filled in.

/** The query parameter that carries a form state's id on the page the browser is redirected to. */
export const FORM_STATE_PARAM = "form";
/** Binds form states to a browser that has no session (the reporter's pages, sign-in, setup). */
export const FORM_COOKIE = "embargo_form";
/** Long enough to read the page it redirects to, short enough that a stored form does not linger. */
export const FORM_STATE_TTL_MS = 15 * 60_000;
/** Fields never kept, whatever the form: they are retyped. Files are never kept either. */
export const NEVER_KEPT: readonly string[] = [
  "_csrf",
  "password",
  "passwordConfirm",
  "passphrase",
  "secret",
  "accessToken",
];
/** A kept text is cut here: no form field we accept is near it, so only abuse is cut. */
const MAX_VALUE_CHARS = 200_000;
const MAX_FIELDS = 200;
const ID = /^[A-Za-z0-9_-]{20,64}$/;

const stateSchema: z.ZodType<FormState> = z.object({
  form: z.string(),
  target: z.string().optional(),
  message: z.string(),
  errors: z.record(z.string(), z.string()),
  values: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  omitted: z.array(z.string()),
  extra: z.record(z.string(), z.unknown()).optional(),
});

/** What is kept of the typed values: no secrets, no files, nothing unbounded. */
export function keptValues(input: FormStateInput): { values: FormState["values"]; omitted: string[] } {
  const never = new Set([...NEVER_KEPT, ...(input.omit ?? [])]);
  const values: FormState["values"] = {};
  const omitted: string[] = [];
  for (const [name, value] of Object.entries(input.values).slice(0, MAX_FIELDS)) {
    if (value === undefined) continue;
    if (never.has(name)) {
      if ((typeof value === "string" ? value : value.join("")) !== "") omitted.push(name);
      continue;
    }
    values[name] =
      typeof value === "string"
        ? value.slice(0, MAX_VALUE_CHARS)
        : value.slice(0, MAX_FIELDS).map((v) => v.slice(0, MAX_VALUE_CHARS));
  }
  return { values, omitted };
}

/**
 * The browser a state is bound to: the session when signed in (a session cookie is already per browser and
 * HttpOnly), else a random HttpOnly cookie, made on the post when `create` is set. Only hashes are stored.
 */
function bindingOf(c: Context<AppEnv>, create: boolean, secure: boolean): string | null {
  const session = c.var.authKind === "session" ? getCookie(c, SESSION_COOKIE) : undefined;
  if (session) return sha256Hex(`session:${session}`);
  let browser = getCookie(c, FORM_COOKIE);
  if (browser !== undefined && !ID.test(browser)) browser = undefined;
  if (!browser) {
    if (!create) return null;
    browser = randomToken();
    setCookie(c, FORM_COOKIE, browser, { httpOnly: true, sameSite: "Lax", path: "/", secure });
  }
  return sha256Hex(`browser:${browser}`);
}

/** The one store of form states: sealed under the data key, read once, gone after FORM_STATE_TTL_MS. */
export function createFormStateStore(deps: {
  db: Db;
  cipher: DataCipher;
  clock: () => Date;
  /** Whether cookies get the Secure flag (an https public URL). */
  secureCookies: () => boolean;
}): FormStateStore {
  return {
    async keep(c, path, input) {
      const bindingHash = bindingOf(c, true, deps.secureCookies())!;
      const id = randomToken(24);
      const { values, omitted } = keptValues(input);
      const state: FormState = {
        form: input.form,
        ...(input.target !== undefined ? { target: input.target } : {}),
        message: input.message ?? "",
        errors: input.errors ?? {},
        values,
        omitted,
        ...(input.extra ? { extra: input.extra } : {}),
      };
      const now = deps.clock();
      const row = {
        idHash: sha256Hex(id),
        bindingHash,
        pathHash: sha256Hex(path),
        sealed: deps.cipher.encryptJson(state),
        expiresAt: new Date(now.getTime() + FORM_STATE_TTL_MS),
      };
      await transaction(deps.db, (tx) => insertFormState(tx, row, now));
      return id;
    },

    async take(c, path, id) {
      if (!ID.test(id)) return null;
      const bindingHash = bindingOf(c, false, deps.secureCookies());
      if (!bindingHash) return null;
      const key = { idHash: sha256Hex(id), bindingHash, pathHash: sha256Hex(path) };
      const sealed = await transaction(deps.db, (tx) => takeFormStateRow(tx, key, deps.clock()));
      if (!sealed) return null;
      try {
        const parsed = stateSchema.safeParse(deps.cipher.decryptJson(sealed));
        return parsed.success ? parsed.data : null;
      } catch {
        // Sealed under a data key no longer loaded (a rotation in its 15 minutes): the page shows no errors.
        return null;
      }
    },
  };
}

/** Puts the store on every request, so any page can keep and take form states without more wiring. */
export function provideFormStates(store: FormStateStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("formStates", store);
    await next();
  };
}

function storeOf(c: Context<AppEnv>): FormStateStore {
  const store = c.var.formStates;
  if (!store) throw new Error("Form states are not set up: createApp installs provideFormStates.");
  return store;
}

/**
 * Ends a refused form post: keeps the form state and redirects (303) to `to` (a path, with its own query and
 * `#anchor` if any) with the state's id, so the page shows the errors and a reload never posts again.
 */
export async function redirectWithFormState(
  c: Context<AppEnv>,
  to: string,
  input: FormStateInput,
): Promise<Response> {
  const url = new URL(to, "http://local");
  const id = await storeOf(c).keep(c, url.pathname, input);
  url.searchParams.set(FORM_STATE_PARAM, id);
  return c.redirect(`${url.pathname}${url.search}${url.hash}`, 303);
}

/**
 * The form state this page was redirected with, read once: null when there is none, it was already shown, it
 * expired, or it belongs to another browser or page. A page showing one is never cached.
 */
export async function takeFormState(c: Context<AppEnv>): Promise<FormState | null> {
  const id = c.req.query(FORM_STATE_PARAM);
  if (!id || c.req.method !== "GET") return null;
  const state = await storeOf(c).take(c, c.req.path, id);
  if (state) c.header("Cache-Control", "no-store");
  return state;
}

/** A kept text value ("" when absent; the first of a list). */
export function keptText(state: FormState | null | undefined, name: string): string | undefined {
  const value = state?.values[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The sentence that asks for the secrets a refused form did not keep, or "" when none were typed. */
export function retypeNote(state: FormState | null | undefined): string {
  const omitted = (state?.omitted ?? []).filter((f) => f !== "_csrf");
  if (omitted.length === 0) return "";
  const names = omitted.map((f) => (f === "passwordConfirm" ? "password again" : f)).join(", ");
  return ` For safety, what you typed in these fields was not kept; type it again: ${names}.`;
}
