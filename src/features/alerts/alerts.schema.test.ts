import { describe, expect, it } from "vitest";
import { alertMail, buildAlertRequest, chatText, signWebhook } from "./alert-send.adapter.ts";
import {
  maskSecret,
  parseChannelForm,
  parsePrefsForm,
  prefsAllowEmail,
  urlProblem,
} from "./alerts.schema.ts";

const EV = ["report_received"];

describe("parseChannelForm", () => {
  it.each([
    [{ kind: "fax", name: "x", events: EV }, "kind", "Choose the kind of channel"],
    [
      { kind: "slack", name: "  ", url: "https://h.example/x", events: EV },
      "name",
      "Give the channel a name",
    ],
    [{ kind: "slack", name: "a".repeat(101), url: "https://h.example/x", events: EV }, "name", "too long"],
    [
      { kind: "slack", name: "bell\u0007", url: "https://h.example/x", events: EV },
      "name",
      "control characters",
    ],
    [{ kind: "slack", name: "s", url: "", events: EV }, "url", "Enter the Slack webhook URL"],
    [{ kind: "slack", name: "s", url: "file:///etc/passwd", events: EV }, "url", "not file://"],
    [{ kind: "discord", name: "d", url: "javascript:alert(1)", events: EV }, "url", "not javascript://"],
    [
      { kind: "discord", name: "d", url: "https://u:p@h.example/", events: EV },
      "url",
      "user name or password",
    ],
    [{ kind: "webhook", name: "w", url: "https://h.example/", secret: "short", events: EV }, "secret", "16"],
    [
      { kind: "webhook", name: "w", url: "https://h.example/", secret: "a b c d e f g h i j", events: EV },
      "secret",
      "spaces",
    ],
    [
      {
        kind: "matrix",
        name: "m",
        homeserver: "https://m.example",
        roomId: "#alias:m.example",
        accessToken: "t",
        events: EV,
      },
      "roomId",
      "alias",
    ],
    [
      {
        kind: "matrix",
        name: "m",
        homeserver: "https://m.example",
        roomId: "!r:m.example",
        accessToken: "",
        events: EV,
      },
      "accessToken",
      "access token",
    ],
    [
      { kind: "matrix", name: "m", homeserver: "", roomId: "!r:m.example", accessToken: "t", events: EV },
      "homeserver",
      "homeserver URL",
    ],
    [{ kind: "email", name: "e", events: [] }, "events", "at least one event"],
    [{ kind: "email", name: "e", events: ["report_received", "__proto__"] }, "events", "not an alert event"],
  ])("refuses %j with an error at %s", (input, field, message) => {
    const result = parseChannelForm(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toContain(message);
  });

  it("accepts each kind and normalises the Matrix homeserver", () => {
    const m = parseChannelForm({
      kind: "matrix",
      name: " Room ",
      homeserver: "https://m.example/",
      roomId: "!r:m.example",
      accessToken: "syt_x",
      events: ["sla_breach", "sla_breach"],
    });
    expect(m).toEqual({
      ok: true,
      generateSecret: false,
      value: {
        kind: "matrix",
        name: "Room",
        events: ["sla_breach"],
        active: true,
        config: { homeserver: "https://m.example", roomId: "!r:m.example", accessToken: "syt_x" },
      },
    });
    const w = parseChannelForm({
      kind: "webhook",
      name: "W",
      url: "http://127.0.0.1:9/x",
      secret: "",
      events: EV,
    });
    expect(w.ok && w.generateSecret).toBe(true);
    expect(parseChannelForm({ kind: "email", name: "E", events: EV }).ok).toBe(true);
  });

  it("lets only a generic webhook choose fix_pushed, and never by default", () => {
    const hook = { kind: "webhook", name: "CI", url: "http://127.0.0.1:9/ci", secret: "" };
    const ci = parseChannelForm({ ...hook, events: ["fix_pushed"] });
    expect(ci.ok && ci.value.events).toEqual(["fix_pushed"]);
    for (const kind of ["email", "slack", "discord", "matrix"]) {
      const r = parseChannelForm({ kind, name: "X", events: [...EV, "fix_pushed"] });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.events).toContain("goes only to generic webhooks");
    }
    const plain = parseChannelForm({ ...hook, events: EV });
    expect(plain.ok && plain.value.events).not.toContain("fix_pushed");
  });

  it("keeps saved secrets when their fields are left blank on edit, and ignores a changed kind", () => {
    const existing = { kind: "slack" as const, config: { url: "https://hooks.example/saved" } };
    const r = parseChannelForm(
      { kind: "webhook", name: "S", url: "", events: EV, active: "false" },
      existing,
    );
    expect(r).toMatchObject({ ok: true, value: { kind: "slack", active: false, config: existing.config } });
  });

  it("asks for the Matrix token again when the homeserver moves to another origin", () => {
    const existing = {
      kind: "matrix" as const,
      config: {
        homeserver: "https://matrix.example.org",
        roomId: "!r:example.org",
        accessToken: "syt_saved",
      },
    };
    const edit = (homeserver: string, accessToken = "") =>
      parseChannelForm({ name: "M", events: EV, homeserver, roomId: "", accessToken }, existing);
    for (const moved of [
      "https://evil.example",
      "http://matrix.example.org",
      "https://matrix.example.org:8448",
    ])
      expect(edit(moved)).toEqual({
        ok: false,
        errors: { accessToken: "Enter the access token again for the new homeserver." },
      });
    expect(edit("https://evil.example", "syt_new")).toMatchObject({
      ok: true,
      value: { config: { homeserver: "https://evil.example", accessToken: "syt_new" } },
    });
    // The same origin keeps the saved token: a path or a trailing slash is no new homeserver.
    for (const same of ["", "https://matrix.example.org/", "https://MATRIX.example.org/base"])
      expect(edit(same)).toMatchObject({ ok: true, value: { config: { accessToken: "syt_saved" } } });
  });
});

describe("member preferences", () => {
  it.each([
    [undefined, "report_received", true],
    [{}, "sla_breach", true],
    [{ email: false }, "sla_breach", false],
    [{ email: true, events: [] }, "sla_breach", false],
    [{ email: true, events: ["sla_breach"] }, "sla_breach", true],
    [{ events: ["sla_breach"] }, "report_received", false],
    [{ events: "sla_breach" as unknown as string[] }, "report_received", true],
  ])("prefs %j for %s → %s", (prefs, event, allowed) => {
    expect(prefsAllowEmail(prefs, event)).toBe(allowed);
  });

  it("refuses unknown events and reads the checkbox as on only for 'true'", () => {
    expect(parsePrefsForm({ email: "yes", events: ["sla_breach"] })).toEqual({
      ok: true,
      value: { email: false, events: ["sla_breach"] },
    });
    expect(parsePrefsForm({ email: "true", events: ["constructor"] }).ok).toBe(false);
  });
});

describe("alert messages", () => {
  const m = {
    event: "report_assigned",
    deliveryId: "d-1",
    report: {
      id: "r",
      reference: "EMB-2026-0001",
      title: "Title",
      url: "https://e.test/reports/EMB-2026-0001",
    },
    detail: "assigned to Bob",
    occurredAt: "2026-03-02T09:00:00.000Z",
  };

  it("says only the event, reference, title, detail and link", () => {
    expect(chatText(m)).toBe(
      "[Report assigned] EMB-2026-0001: Title\nassigned to Bob\nhttps://e.test/reports/EMB-2026-0001",
    );
    const mail = alertMail(m, "Acme");
    expect(mail.subject).toBe("[Acme security] Report assigned: EMB-2026-0001");
    expect(mail.body).toContain("Title: Title");
    expect(mail.body).toContain("Open the report: https://e.test/reports/EMB-2026-0001");
  });

  it("signs '<timestamp>.<body>' with HMAC-SHA256", () => {
    // Known answer: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
    expect(signWebhook("key", "1700000000", "{}")).toBe(
      "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae",
    );
    const req = buildAlertRequest(
      "webhook",
      { url: "https://h.example/", secret: "key" },
      m,
      new Date(1_700_000_000_000),
    );
    expect(req.headers["X-Embargo-Timestamp"]).toBe("1700000000");
    expect(req.headers["X-Embargo-Signature"]).toBe(signWebhook("key", "1700000000", req.body));
  });

  it("escapes Slack control sequences and builds the Matrix path from an encoded room id", () => {
    const hostile = { ...m, report: { ...m.report, title: "<!here> & <https://evil.example|click>" } };
    const slack = JSON.parse(buildAlertRequest("slack", { url: "https://h/" }, hostile, new Date()).body);
    expect(slack.text).toContain("&lt;!here&gt; &amp; &lt;https://evil.example|click&gt;");
    const mx = buildAlertRequest(
      "matrix",
      { homeserver: "https://m.example", roomId: "!a/b:m.example", accessToken: "tok" },
      m,
      new Date(),
    );
    expect(mx.method).toBe("PUT");
    expect(mx.url).toBe(
      "https://m.example/_matrix/client/v3/rooms/!a%2Fb%3Am.example/send/m.room.message/d-1",
    );
    expect(mx.headers.Authorization).toBe("Bearer tok");
  });
});

describe("secrets and URLs", () => {
  it.each([
    [undefined, ""],
    ["short", "••••"],
    ["https://hooks.slack.com/services/T/B/abcd1234", "••••1234"],
  ])("masks %s as %s", (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });
  it("accepts http(s) URLs only", () => {
    expect(urlProblem("https://example.org/x", "URL")).toBeNull();
    expect(urlProblem("http://127.0.0.1:8080/x", "URL")).toBeNull();
    expect(urlProblem("gopher://x", "URL")).toContain("gopher://");
    expect(urlProblem(`https://e.org/${"a".repeat(2000)}`, "URL")).toContain("too long");
  });
});
