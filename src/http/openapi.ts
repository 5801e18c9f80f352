import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { z } from "zod";
import { AppError } from "../core/errors.ts";
import type { AppEnv } from "./env.ts";

/** The project's licence (package.json `license`); the document names it, and a test keeps the two equal. */
export const API_LICENSE = {
  name: "GNU Affero General Public License v3.0 only",
  identifier: "AGPL-3.0-only",
};

/** Where the document is served; the path predates the versioned API, so it stays here. */
export const OPENAPI_DOCUMENT_PATH = "/api/openapi.json";

/** The one error shape of every JSON answer that is not a success. */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('What went wrong, for programs: e.g. "invalid_input", "rate_limited".'),
      message: z.string().describe("What went wrong, for people."),
      requestId: z.string().describe("Quote it when asking the team about this answer."),
      fields: z
        .record(z.string(), z.string())
        .optional()
        .describe("One problem per invalid field or query parameter, keyed by its name."),
    }),
  })
  .meta({ id: "Error" });

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429;

const ERROR_HEADERS: Partial<Record<ErrorStatus, Record<string, unknown>>> = {
  401: {
    "WWW-Authenticate": { description: 'Always `Bearer realm="embargo"`.', schema: { type: "string" } },
  },
  429: {
    "Retry-After": {
      description: "Seconds until the rate-limit window ends and requests are accepted again.",
      schema: { type: "integer", minimum: 1 },
    },
  },
};

/** The error answers an operation can give, each described for that operation, all in the one error shape. */
export function errorResponses(described: Partial<Record<ErrorStatus, string>>) {
  const responses: Record<
    number,
    {
      description: string;
      headers?: Record<string, unknown>;
      content: { "application/json": { schema: typeof apiErrorSchema } };
    }
  > = {};
  for (const [status, description] of Object.entries(described)) {
    const headers = ERROR_HEADERS[Number(status) as ErrorStatus];
    responses[Number(status)] = {
      description: description!,
      ...(headers ? { headers } : {}),
      content: { "application/json": { schema: apiErrorSchema } },
    };
  }
  return responses;
}

/** The security requirement of an operation that takes a member's API token as a bearer token. */
export const BEARER = [{ bearer: [] }];

/** A JSON response of an operation: its schema and what it means. */
export function jsonResponse<T>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** The answers every bearer-authenticated operation shares. */
export const UNAUTHENTICATED = "No token, or a wrong, revoked or disabled member's token.";

/**
 * A refused query string or path parameter: 400 naming every wrong parameter, like a refused body names every
 * wrong field. Nothing is replaced by a default behind the client's back.
 */
export function invalidParameters(
  error: ZodError,
  target: string,
  given: Record<string, string[]> = {},
): AppError {
  // A Map, then fromEntries: a parameter named "__proto__" must become a field like any other.
  const problems = new Map<string, string>();
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.set(key, `${key} is not a parameter of this operation.`);
      continue;
    }
    const key = issue.path.length > 0 ? issue.path.map(String).join(".") : "_";
    if (problems.has(key)) continue;
    const repeated = (Object.hasOwn(given, key) ? given[key]!.length : 0) > 1;
    problems.set(key, repeated ? `${key} was given more than once; give it once.` : issue.message);
  }
  const fields = Object.fromEntries(problems);
  const where = target === "param" ? "path" : "query";
  const names = [...problems.keys()];
  const message =
    names.length === 1
      ? `The ${where} parameter ${names[0]} is not valid: ${fields[names[0]!]}`
      : `These ${where} parameters are not valid: ${names.join(", ")}. See error.fields for each.`;
  return new AppError("invalid_parameter", 400, message, fields);
}

/**
 * The router of the JSON API. Its routes are declared with createRoute, so the same zod schemas validate the
 * requests and make the document; a refused parameter becomes our error shape instead of zod's.
 */
export function createApiRouter() {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        throw invalidParameters(
          result.error,
          result.target,
          result.target === "query" ? c.req.queries() : {},
        );
      }
    },
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      'An API token: `embargo token create --email E`, or "API tokens" in the header (/account/tokens).',
  });
  return api;
}

export type ApiRouter = ReturnType<typeof createApiRouter>;

/**
 * A route whose JSON body the service validates. The document still shows the body's schema, and it is the very
 * zod object the service parses; the service checks it together with what only the database knows (an asset in
 * scope, the minimum steps length an admin set, an assignee who exists) so one answer names every problem,
 * and the body is never validated twice. Path and query are still validated by the router.
 */
export function bodyCheckedByService<R extends RouteConfig>(api: ApiRouter, route: R) {
  const { middleware: _middleware, hide: _hide, ...documented } = route;
  api.openAPIRegistry.registerPath(documented);
  const { body: _body, ...request } = route.request ?? {};
  return { ...route, request, hide: true as const };
}

/** Extra facts an operation's document states that depend on settings read at request time. */
export type DocumentRefinement = (doc: OpenApiDocument) => Promise<void>;
export type OpenApiDocument = ReturnType<ApiRouter["getOpenAPI31Document"]>;

/** Serves the OpenAPI 3.1 document, generated on each request from the routes registered on `api`. */
export function registerOpenApiDocument(
  api: ApiRouter,
  options: { publicUrl: () => string; refinements?: readonly DocumentRefinement[] },
) {
  api.get(OPENAPI_DOCUMENT_PATH, async (c) => {
    const doc = api.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "Embargo API",
        version: "1",
        license: API_LICENSE,
        description: [
          "Coordinated vulnerability disclosure. Submitting a report is public; every other operation needs",
          "'Authorization: Bearer <token>'. Errors always have the shape of the Error schema; a refused body or",
          "query names each wrong field or parameter in error.fields, and nothing is silently replaced.",
        ].join(" "),
      },
      servers: [{ url: options.publicUrl() }],
    });
    for (const refine of options.refinements ?? []) await refine(doc);
    return c.json(doc);
  });
}
