import type { Hono } from "hono";
import { REJECTION_REASONS, REPORT_STATES, SEVERITIES } from "../domain/workflow.ts";
import type { AppEnv } from "./env.ts";

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "requestId"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        requestId: { type: "string" },
        fields: {
          type: "object",
          additionalProperties: { type: "string" },
          description: "One problem per invalid field",
        },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const str = (description?: string) => ({ type: "string", ...(description ? { description } : {}) });

const action = (name: string, properties: Record<string, unknown> = {}, required: string[] = []) => ({
  type: "object",
  required: ["action", ...required],
  properties: { action: { const: name }, ...properties },
});

/** The OpenAPI 3.1 description of the JSON API, kept next to the routes it describes. */
export function openApiDocument(publicUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Embargo API",
      version: "1",
      description:
        "Coordinated vulnerability disclosure. The intake is public; every other route needs 'Authorization: Bearer <token>' (create one with `embargo token create --email E`).",
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: error,
        State: { type: "string", enum: [...REPORT_STATES] },
        Severity: { type: ["string", "null"], enum: [...SEVERITIES, null] },
        Intake: {
          type: "object",
          required: ["title", "asset", "description", "steps", "impact"],
          properties: {
            title: { type: "string", minLength: 5, maxLength: 200 },
            asset: str('An in-scope asset id from the policy page, or "other"'),
            weakness: str('A CWE id from the form\'s list (e.g. CWE-79), or "other"'),
            description: { type: "string", minLength: 20, maxLength: 20000 },
            steps: { type: "string", maxLength: 20000 },
            impact: { type: "string", maxLength: 10000 },
            cvss: {
              type: ["string", "null"],
              maxLength: 400,
              description:
                "The reporter's proposed CVSS 3.0, 3.1 or 4.0 vector; an invalid one is a 400 on cvss",
            },
            affectedVersions: {
              description:
                "Affected versions or ranges: a list, or text with one per line; at most 20, each at most 100 characters",
              oneOf: [
                { type: "array", maxItems: 20, items: { type: "string", maxLength: 100 } },
                { type: "string" },
              ],
            },
            email: { type: "string", format: "email" },
            name: { type: "string", maxLength: 100 },
            credit: { type: "string", enum: ["name", "handle", "anonymous"] },
            pgpKey: str("The reporter's ASCII-armored OpenPGP public key; validated like a team key"),
            attachments: {
              type: "array",
              maxItems: 5,
              items: {
                type: "object",
                required: ["filename", "content"],
                properties: { filename: str(), content: str("base64") },
              },
            },
          },
        },
        ReportSummary: {
          type: "object",
          required: ["id", "reference", "title", "state", "severity", "assignee"],
          properties: {
            id: { type: "string", format: "uuid" },
            reference: str("e.g. EMB-2026-0001"),
            title: str(),
            state: { $ref: "#/components/schemas/State" },
            severity: { $ref: "#/components/schemas/Severity" },
            assignee: { type: ["string", "null"], description: "The Response Manager's email" },
            receivedAt: { type: "string", format: "date-time" },
            updatedAt: { type: "string", format: "date-time" },
            sla: { type: "object", properties: { status: str(), overdue: { type: "array", items: str() } } },
            waitingSince: {
              type: ["string", "null"],
              format: "date-time",
              description:
                "Set while the team waits for the reporter's answer (needs-info; the SLA clock is paused)",
            },
            snippet: {
              type: ["object", "null"],
              description:
                "With q: where the words were found (report or message; internal notes only for roles that may read them), as text and as HTML that is escaped except for <mark> around matches",
              properties: {
                from: { type: "string", enum: ["report", "message"] },
                visibility: { type: ["string", "null"], enum: ["reporter", "internal", null] },
                text: str(),
                html: str(),
              },
            },
          },
        },
        Report: {
          allOf: [
            { $ref: "#/components/schemas/ReportSummary" },
            {
              type: "object",
              properties: {
                description: str(),
                steps: str(),
                impact: str(),
                messages: { type: "array", items: { type: "object" } },
                fixes: { type: "array", items: { type: "object" } },
                severityHistory: { type: "array", items: { type: "object" } },
                availableActions: { type: "array", items: str() },
              },
            },
          ],
        },
        Action: {
          oneOf: [
            action("acknowledge", { message: str("Optional text replacing the default acknowledgement") }),
            action("assign", { assignee: str("Email of an active responder or admin") }, ["assignee"]),
            action("start_triage"),
            action(
              "set_severity",
              {
                owasp: str("SL:n/M:n/O:n/S:n/ED:n/EE:n/A:n/ID:n/LC:n/LI:n/LAV:n/LAC:n/FD:n/RD:n/NC:n/PV:n"),
                reason: str(),
              },
              ["owasp"],
            ),
            action(
              "set_severity",
              {
                cvss: str(
                  "A CVSS 3.0, 3.1 or 4.0 vector (CVSS:3.1/AV:…); stored in canonical order without Not Defined metrics. It sets the report's severity when the organisation's severitySource is cvss; otherwise it is only recorded in severityHistory",
                ),
                reason: str(),
              },
              ["cvss"],
            ),
            action("confirm"),
            action(
              "reject",
              {
                reason: { type: "string", enum: REJECTION_REASONS.filter((r) => r !== "duplicate") },
                message: str(),
              },
              ["reason", "message"],
            ),
            action("mark_duplicate", { of: str("Id or reference of the original report"), message: str() }, [
              "of",
              "message",
            ]),
            action("start_remediation"),
            action("add_fix", { url: { type: "string", format: "uri" } }, ["url"]),
            action("verify_fix", { fix: str("Fix id; default the latest fix") }),
            action("release", {
              verification: { type: "string", enum: ["passed", "failed"] },
              override_reason: str(),
            }),
            action("disclose", {
              advisory_url: { type: "string", format: "uri" },
              no_advisory_reason: str(),
            }),
            action("close", { message: str("Final feedback to the reporter") }, ["message"]),
            action("reopen", { reason: str() }, ["reason"]),
            action(
              "request_info",
              {
                message: str(
                  "The question for the reporter (sent to them). Sets needs-info and pauses the SLA clock until they answer; refused (409) while already waiting",
                ),
              },
              ["message"],
            ),
          ],
        },
      },
    },
    paths: {
      "/api/v1/reports": {
        post: {
          summary: "Submit a report (public, no token)",
          security: [],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { $ref: "#/components/schemas/Intake" },
                    {
                      type: "object",
                      required: ["encrypted"],
                      additionalProperties: false,
                      properties: {
                        encrypted: str(
                          "An ASCII-armored OpenPGP message to the intake key (/keys/intake.asc) whose plaintext is the Intake object",
                        ),
                      },
                    },
                  ],
                },
              },
            },
          },
          responses: {
            "201": {
              description:
                "Created. trackingUrl is the reporter's private link, shown only in this response.",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["id", "reference", "trackingUrl"],
                    properties: { id: str(), reference: str(), trackingUrl: str() },
                  },
                },
              },
            },
            "400": errorResponse("Invalid input; error.fields names every invalid field"),
            "413": errorResponse("Too large"),
            "415": errorResponse("Not JSON"),
          },
        },
        get: {
          summary: "List reports (open ones by default)",
          security: [{ bearer: [] }],
          parameters: ["state", "severity", "assignee", "q", "sla", "sort", "page", "perPage"].map(
            (name) => ({
              name,
              in: "query",
              schema: { type: "string" },
            }),
          ),
          responses: {
            "200": {
              description: "A page of reports",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      items: { type: "array", items: { $ref: "#/components/schemas/ReportSummary" } },
                      total: { type: "integer" },
                    },
                  },
                },
              },
            },
            "400": errorResponse("Bad filter"),
            "401": errorResponse("Missing or wrong token"),
          },
        },
      },
      "/api/v1/reports/{id}": {
        get: {
          summary: "One report, by id or reference",
          security: [{ bearer: [] }],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "The report",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Report" } } },
            },
            "401": errorResponse("Missing or wrong token"),
            "404": errorResponse("No such report"),
          },
        },
      },
      "/api/v1/reports/{id}/messages": {
        post: {
          summary: "Add a reply to the reporter or an internal note",
          security: [{ bearer: [] }],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["body", "visibility"],
                  properties: { body: str(), visibility: { type: "string", enum: ["reporter", "internal"] } },
                },
              },
            },
          },
          responses: {
            "201": { description: "Created" },
            "400": errorResponse("Invalid input"),
            "401": errorResponse("Missing or wrong token"),
            "403": errorResponse("Viewers cannot post"),
            "404": errorResponse("No such report"),
          },
        },
      },
      "/api/v1/reports/{id}/actions": {
        post: {
          summary: "Run a lifecycle action",
          security: [{ bearer: [] }],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/Action" } } },
          },
          responses: {
            "200": {
              description: "The updated report",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Report" } } },
            },
            "400": errorResponse("Bad parameters"),
            "401": errorResponse("Missing or wrong token"),
            "403": errorResponse("Viewers cannot act"),
            "404": errorResponse("No such report"),
            "409": errorResponse("The lifecycle or a guard refuses the action"),
          },
        },
      },
    },
  };
}

export function registerOpenApi(app: Hono<AppEnv>, publicUrl: () => string) {
  app.get("/api/openapi.json", (c) => c.json(openApiDocument(publicUrl())));
}
