import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { AppError } from "../core/errors.ts";
import { readForm } from "./form.ts";
import { readJsonObject } from "./json-body.ts";

/** A bare app that echoes what the body readers return and answers their refusals as app.tsx does. */
function echo() {
  const app = new Hono();
  app.post("/json", async (c) => c.json(await readJsonObject(c)));
  app.post("/form", async (c) => {
    const body = await readForm(c);
    return c.json(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])));
  });
  app.onError((err, c) =>
    err instanceof AppError
      ? c.json({ code: err.code, message: err.userMessage }, err.status)
      : c.json({ code: "internal" }, 500),
  );
  return app;
}

const multipart = (body: string, boundary = "b0undary") => ({
  method: "POST",
  headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  body,
});

describe("request body readers", () => {
  const app = echo();

  it("refuses a multipart body cut short, or one whose boundary never appears, with a 400 saying so", async () => {
    const cut = '--b0undary\r\nContent-Disposition: form-data; name="body"\r\n\r\nhalf a rep';
    for (const init of [multipart(cut), multipart("no parts at all"), multipart(cut, "other")]) {
      const res = await app.request("/form", init);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        code: "invalid_form",
        message: expect.stringContaining("multipart body is malformed or incomplete"),
      });
    }
  });

  it("refuses a NUL in a form field or a file name, naming the field", async () => {
    const field = await app.request("/form", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=a%00b%40example.org",
    });
    expect(field.status).toBe(400);
    expect(((await field.json()) as { message: string }).message).toMatch(/^email contains a NUL character/);
    const file = await app.request(
      "/form",
      multipart(
        '--b0undary\r\nContent-Disposition: form-data; name="attachments"; filename="a\u0000.txt"\r\n\r\nx\r\n--b0undary--\r\n',
      ),
    );
    expect(file.status).toBe(400);
    expect(((await file.json()) as { code: string }).code).toBe("nul_character");
  });

  it("refuses a NUL anywhere in a JSON body, naming where, however deep", async () => {
    const cases: [string, string][] = [
      ['{"title":"a\\u0000b"}', "title"],
      ['{"attachments":[{"filename":"x\\u0000.txt"}]}', "attachments[0].filename"],
      ['{"__proto__":{"title":"\\u0000"}}', "__proto__.title"],
    ];
    for (const [body, where] of cases) {
      const res = await app.request("/json", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain(
        `${where} contains a NUL character`,
      );
    }
  });

  it("reads half a surrogate pair as U+FFFD, so the text can be stored on either engine", async () => {
    const res = await app.request("/json", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"title":"\\u5fc8\\uddfa\\ub398","pair":"\\ud83d\\udca5"}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ title: "\u5fc8\ufffd\ub398", pair: "💥" });
  });
});
