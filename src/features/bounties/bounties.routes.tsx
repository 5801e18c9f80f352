import type { Context, Hono, MiddlewareHandler } from "hono";
import type { ApiTokenLookup } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { ApiRouter } from "../../http/openapi.ts";
import { registerBountiesApi } from "./bounties.api.ts";
import { bountyPanelFor, bountySectionFor, registerBountyPages } from "./bounties.pages.tsx";
import { registerBountiesReporterApi } from "./bounties.reporter-api.ts";
import type { BountiesService } from "./bounties.service.ts";

/** Everything the bounty feature serves, for the composition root: forms, the team's and the reporter's API. */
export const bountyRoutes = {
  register(
    app: Hono<AppEnv>,
    api: ApiRouter,
    deps: {
      bounties: BountiesService;
      auth: ApiTokenLookup;
      repliesLimit: MiddlewareHandler<AppEnv>;
      notFound: (c: Context<AppEnv>) => Promise<Response>;
    },
  ) {
    registerBountyPages(app, deps);
    registerBountiesApi(api, deps);
    registerBountiesReporterApi(api, { bounties: deps.bounties, limit: deps.repliesLimit });
  },
  panel: bountyPanelFor,
  section: bountySectionFor,
};
