import type { CurrentUser } from "../core/actors.ts";
import type { HeldMailNotice } from "../domain/mail-delivery.ts";
import type { FormStateStore } from "./form-state.types.ts";

/** Variables every request carries through Hono's context. Services are not among them: routes get theirs. */
export interface AppEnv {
  Variables: {
    requestId: string;
    user: CurrentUser | null;
    /** The session's CSRF token, rendered into every team form. */
    csrfToken: string | null;
    /** "api" when authenticated by a bearer token, "session" by cookie. */
    authKind: "api" | "session" | null;
    /** Set on team pages while mail is held; the layout shows it as a banner. */
    heldMail?: { notice: HeldMailNotice; canOpenOutbox: boolean } | null;
    /** One-time form states for post/redirect/get (http/form-state.ts). */
    formStates: FormStateStore;
  };
}
