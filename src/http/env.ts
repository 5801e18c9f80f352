import type { CurrentUser } from "../core/actors.ts";
import type { Services } from "../services.ts";

/** Variables every request carries through Hono's context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    user: CurrentUser | null;
    /** The session's CSRF token, rendered into every team form. */
    csrfToken: string | null;
    /** "api" when authenticated by a bearer token, "session" by cookie. */
    authKind: "api" | "session" | null;
  };
}
