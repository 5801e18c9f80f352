import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { ApiTokenLookup } from "../../http/auth.ts";
import { requireApi } from "../../http/auth.ts";
import { readJsonObject } from "../../http/json-body.ts";
import {
  type ApiRouter,
  BEARER,
  bodyCheckedByService,
  errorResponses,
  jsonResponse,
  UNAUTHENTICATED,
} from "../../http/openapi.ts";
import { repositorySchema } from "./repositories.schema.ts";
import type { RepositoriesService, RepositoryView } from "./repositories.service.ts";

/** A repository as the API shows it; also the leak filter: credentials and mirror paths never leave. */
export const repositoryJsonSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    upstreamUrl: z.string(),
    defaultBranch: z.string(),
    credentials: z
      .enum(["https_token", "ssh_key"])
      .nullable()
      .describe("Which kind is stored; never the secret."),
    lastFetchedAt: z.string().nullable().describe("When the mirror last fetched without error."),
    lastFetchError: z.string().nullable().describe("The last fetch's error; null after a fetch that worked."),
  })
  .meta({ id: "Repository" });

const repositoryJson = (r: RepositoryView) => ({
  id: r.id,
  name: r.name,
  upstreamUrl: r.upstreamUrl,
  defaultBranch: r.defaultBranch,
  credentials: r.credentialKind,
  lastFetchedAt: r.lastFetchedAt?.toISOString() ?? null,
  lastFetchError: r.lastFetchError,
});

const ADMINS_ONLY = "Only admins register and list repositories.";

const createRepository = createRoute({
  method: "post",
  path: "/api/v1/repositories",
  operationId: "createRepository",
  summary: "Register a repository; its bare mirror is fetched by a background job",
  description: [
    "upstreamUrl is https://, ssh://, user@host:path, or for local use file:// or an absolute path; anything else",
    '(remote helpers such as "ext::", values starting with "-", http://, credentials inside the URL) is a 400 naming',
    'the problem. defaultBranch defaults to "main". releaseSigningKey, optional, is the ASCII-armored OpenPGP public',
    "key that signs release tags (package verification trusts it besides the members' keys); a private key, or one",
    "that cannot sign, is a 400. Credentials for a private upstream are set on /admin/repositories.",
  ].join(" "),
  security: BEARER,
  request: { body: { required: true, content: { "application/json": { schema: repositorySchema } } } },
  responses: {
    201: jsonResponse(
      repositoryJsonSchema.pick({ id: true, name: true, upstreamUrl: true, defaultBranch: true }),
      "Registered.",
    ),
    ...errorResponses({
      400: "The body is not valid JSON, or a field is wrong (or the name is taken); error.fields names each.",
      401: UNAUTHENTICATED,
      403: ADMINS_ONLY,
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

const listRepositories = createRoute({
  method: "get",
  path: "/api/v1/repositories",
  operationId: "listRepositories",
  summary: "List the registered repositories with their mirrors' fetch state",
  security: BEARER,
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(repositoryJsonSchema) }),
      "Every registered repository, by name.",
    ),
    ...errorResponses({ 401: UNAUTHENTICATED, 403: ADMINS_ONLY }),
  },
});

/** The repositories' JSON API: the same service calls as /admin/repositories, for admins' tokens. */
export function registerRepositoriesApi(
  api: ApiRouter,
  deps: { repositories: RepositoriesService; auth: ApiTokenLookup },
) {
  api.openapi(
    bodyCheckedByService(api, { ...createRepository, middleware: requireApi(deps.auth, "settings.manage") }),
    async (c) => {
      const body = await readJsonObject(c);
      const r = await deps.repositories.register(c.var.user!.id, body);
      return c.json(
        { id: r.id, name: r.name, upstreamUrl: r.upstreamUrl, defaultBranch: r.defaultBranch },
        201,
      );
    },
  );

  api.openapi({ ...listRepositories, middleware: requireApi(deps.auth, "settings.manage") }, async (c) => {
    const items = await deps.repositories.list();
    return c.json({ items: items.map(repositoryJson) }, 200);
  });
}
