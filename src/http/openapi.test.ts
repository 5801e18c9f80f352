import fs from "node:fs";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/helpers/db.ts";
import { appFor } from "../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../test/helpers/intake-limits.ts";
import { PROJECT_ROOT } from "../core/project-root.ts";
import { API_LICENSE, OPENAPI_DOCUMENT_PATH } from "./openapi.ts";

type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }>;
  responses: Record<string, unknown>;
};
type Doc = {
  openapi: string;
  info: { license?: { name: string; identifier?: string } };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
};

const METHODS = ["get", "post", "put", "patch", "delete"];

function operations(doc: Doc) {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${p}`, op })),
  );
}

describe("the OpenAPI document, generated from the routes' schemas", () => {
  let t: TestDb;
  let app: ReturnType<typeof appFor>;
  const fetchDoc = async () => {
    const res = await app.request(OPENAPI_DOCUMENT_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    return (await res.json()) as Doc;
  };

  beforeAll(async () => {
    t = await createTestDb("pglite");
    await raiseIntakeLimits(t);
    app = appFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is a valid OpenAPI 3.1 document by an independent validator", async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe("3.1.0");
    // The validator dereferences in place, so it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("documents every /api/v1 route the application serves, and no route it does not", async () => {
    const doc = await fetchDoc();
    const served = new Set(
      app.routes
        .filter((r) => r.path.startsWith("/api/v1") && METHODS.includes(r.method.toLowerCase()))
        .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`),
    );
    const documented = new Set(operations(doc).map((o) => o.key));
    expect(served.size).toBeGreaterThanOrEqual(5);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it("gives every operation a unique operationId, an error answer and the security it really has", async () => {
    const doc = await fetchDoc();
    const ops = operations(doc);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, op } of ops) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith("2")),
        key,
      ).toBe(true);
      expect(
        statuses.some((s) => s.startsWith("4")),
        key,
      ).toBe(true);
      if (key === "POST /api/v1/reports") {
        expect(op.security, key).toEqual([]);
        expect(statuses, key).toContain("429");
      } else if (key.includes(" /api/v1/r/{token}")) {
        // The reporter's API: the tracking link's token in the path is the credential, as on the tracking page.
        expect(op.security, key).toEqual([]);
        expect(statuses, key).toContain("404");
      } else {
        expect(op.security, key).toEqual([{ bearer: [] }]);
        expect(statuses, key).toContain("401");
      }
    }
    expect(Object.keys(doc.paths["/api/v1/reports/{id}/messages"]!.post!.responses)).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "404", "415"]),
    );
  });

  it("names the project's licence, as package.json does", async () => {
    const doc = await fetchDoc();
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
      license: string;
    };
    expect(doc.info.license).toEqual(API_LICENSE);
    expect(doc.info.license?.identifier).toBe(pkg.license);
  });

  it("states the list's parameters as the server checks them, assignee=none and the paging included", async () => {
    const doc = await fetchDoc();
    const list = doc.paths["/api/v1/reports"]!.get!;
    const param = (name: string) => list.parameters!.find((p) => p.name === name)!.schema;
    expect(param("perPage")).toMatchObject({ type: "integer", minimum: 1, maximum: 200, default: 25 });
    expect(param("page")).toMatchObject({ type: "integer", minimum: 1, default: 1 });
    expect(param("sort")).toMatchObject({ default: "-received" });
    expect(param("sort").enum).toContain("-severity");
    expect(param("state").enum).toEqual(expect.arrayContaining(["open", "all", "new", "closed"]));
    expect(param("severity").enum).toEqual(expect.arrayContaining(["none", "critical"]));
    expect(String(param("assignee").description)).toMatch(/"none"/);
    const listSchema = doc.components.schemas.ReportList!;
    expect(Object.keys(listSchema.properties)).toEqual(
      expect.arrayContaining(["items", "total", "totalIsLowerBound", "page", "perPage"]),
    );
  });

  it("states the intake's minimum lengths, the steps minimum being the admin's current setting", async () => {
    const intake = (await fetchDoc()).components.schemas.Intake!.properties;
    expect(intake.impact).toMatchObject({ minLength: 1 });
    expect(intake.description).toMatchObject({ minLength: 20 });
    expect(intake.steps).toMatchObject({ minLength: 30 });

    await raiseIntakeLimits(t, { minStepsLength: 80 });
    expect((await fetchDoc()).components.schemas.Intake!.properties.steps).toMatchObject({ minLength: 80 });
    // The server holds a submission to the same number the document states.
    const res = await app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        title: "Stored XSS in the preview",
        asset: "other",
        description: "The preview renders the comment body as HTML.",
        steps: "x".repeat(79),
        impact: "Session theft.",
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields.steps).toMatch(/at least 80 characters/);
    await raiseIntakeLimits(t);
  });
});
