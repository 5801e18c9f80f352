import type { Context, Hono, MiddlewareHandler } from "hono";
import type { ApiTokenLookup } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { ApiRouter } from "../../http/openapi.ts";
import { registerDisclosureApi } from "./disclosure.api.ts";
import { disclosurePanelFor, disclosureSectionFor, registerDisclosurePages } from "./disclosure.pages.tsx";
import { registerDisclosureReporterApi } from "./disclosure.reporter-api.ts";
import type { DisclosureService } from "./disclosure.service.ts";

/** Everything the disclosure feature serves, for the composition root: forms, the team's and the reporter's API. */
export const disclosureRoutes = {
  register(
    app: Hono<AppEnv>,
    api: ApiRouter,
    deps: {
      disclosure: DisclosureService;
      auth: ApiTokenLookup;
      repliesLimit: MiddlewareHandler<AppEnv>;
      notFound: (c: Context<AppEnv>) => Promise<Response>;
    },
  ) {
    registerDisclosurePages(app, deps);
    registerDisclosureApi(api, deps);
    registerDisclosureReporterApi(api, { disclosure: deps.disclosure, limit: deps.repliesLimit });
  },
  panel: disclosurePanelFor,
  section: disclosureSectionFor,
};
