import { describe, expect, it } from "vitest";
import {
  formatTemplateDate,
  isTemplatePurpose,
  rejectionReasonOf,
  renderTemplate,
  TEMPLATE_PURPOSES,
  TEMPLATE_VARIABLE_NAMES,
  type TemplateContext,
  type TemplateFacts,
  templateContext,
  templatePurposeLabel,
  validateTemplate,
} from "./templates.ts";

const FACTS: TemplateFacts = {
  reporter: { name: "r3searcher", credit: "handle" },
  report: {
    reference: "EMB-2026-0042",
    title: "Stored XSS in the comment preview",
    state: "triage",
    severity: null,
    receivedAt: new Date("2026-03-02T09:00:00Z"),
    deadlines: {
      acknowledgeBy: new Date("2026-03-03T09:00:00Z"),
      triageBy: new Date("2026-03-09T09:00:00Z"),
      resolveBy: new Date("2026-05-31T09:00:00Z"),
    },
  },
  org: { name: "Acme Project", policyUrl: "https://security.acme.example/" },
  assigneeName: "Alice",
  senderName: "Bob",
  timeZone: "UTC",
};
const CONTEXT = templateContext(FACTS);

const render = (body: string, context: TemplateContext = CONTEXT) => renderTemplate(body, context);
const text = (body: string, context: TemplateContext = CONTEXT) => {
  const result = render(body, context);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("\n"));
  return result.text;
};
const codes = (body: string) => validateTemplate(body).map((p) => [p.code, p.variable, p.line, p.column]);

describe("renderTemplate: valid templates", () => {
  it.each([
    ["no variables at all", "Plain text.", "Plain text."],
    ["the empty template", "", ""],
    ["one variable", "Ref {{report.reference}}", "Ref EMB-2026-0042"],
    ["spaces inside the braces", "{{ report.reference }}", "EMB-2026-0042"],
    ["tabs and line breaks inside the braces", "{{\t\nreport.reference \n}}", "EMB-2026-0042"],
    ["adjacent variables", "{{org.name}}{{report.reference}}", "Acme ProjectEMB-2026-0042"],
    ["the same variable twice", "{{sender.name}}/{{sender.name}}", "Bob/Bob"],
    ["a single brace is text", "a { b } c {x} }", "a { b } c {x} }"],
    ["a triple closing brace leaves one brace as text", "{{report.reference}}}", "EMB-2026-0042}"],
    ["HTML is plain text, not interpreted", "<b>{{org.name}}</b> &amp;", "<b>Acme Project</b> &amp;"],
    ["CRLF line breaks are kept", "Hi\r\n{{reporter.name}}", "Hi\r\nr3searcher"],
    ["Unicode around variables", "Grüße 🎉 {{org.name}} — 日本語", "Grüße 🎉 Acme Project — 日本語"],
    ["the policy address", "See {{org.policy_url}}", "See https://security.acme.example/"],
    [
      "dates in words",
      "{{deadline.acknowledge}}, {{deadline.triage}}, {{deadline.resolution}}",
      "3 March 2026, 9 March 2026, 31 May 2026",
    ],
    ["the state as a label", "{{report.state}}", "Triage"],
    ["the received date", "{{report.received}}", "2 March 2026"],
    ["the title", "«{{report.title}}»", "«Stored XSS in the comment preview»"],
    ["the assignee", "{{assignee.name}}", "Alice"],
  ])("%s", (_, body, expected) => {
    expect(validateTemplate(body)).toEqual([]);
    expect(text(body)).toBe(expected);
  });

  it("knows every documented variable and fills each from a full context", () => {
    const full = templateContext({ ...FACTS, report: { ...FACTS.report, severity: "high" } });
    for (const name of TEMPLATE_VARIABLE_NAMES) {
      const out = text(`{{${name}}}`, full);
      expect(out.length, name).toBeGreaterThan(0);
      expect(out, name).not.toContain("{{");
    }
  });
});

describe("renderTemplate: values are inserted once, as text", () => {
  it("does not expand a placeholder that is inside a value", () => {
    const context = { ...CONTEXT, "report.title": "{{report.reference}} and {{org.name}}" };
    expect(text("Title: {{report.title}}", context)).toBe("Title: {{report.reference}} and {{org.name}}");
  });

  it("keeps a value with an unknown or broken placeholder as it is, without an error", () => {
    const context = { ...CONTEXT, "reporter.name": "{{constructor}} }} {{" };
    expect(text("Hello {{reporter.name}}", context)).toBe("Hello {{constructor}} }} {{");
  });

  it("does not interpret $ patterns in values the way String.replace would", () => {
    const context = { ...CONTEXT, "report.title": "$& $1 $$ $`" };
    expect(text("[{{report.title}}]", context)).toBe("[$& $1 $$ $`]");
  });

  it("keeps HTML in values as text; escaping is the view's job", () => {
    const context = { ...CONTEXT, "report.title": "<script>alert(1)</script>" };
    expect(text("{{report.title}}", context)).toBe("<script>alert(1)</script>");
  });
});

describe("validateTemplate: every problem, with its variable and position", () => {
  it.each([
    ["an unknown variable", "Hi {{reporter.email}}", [["unknown_variable", "reporter.email", 1, 4]]],
    ["an unclosed {{ at the end", "Hi {{reporter.name", [["unclosed", null, 1, 4]]],
    ["a stray }}", "Hi }} there", [["stray_close", null, 1, 4]]],
    ["an empty {{}}", "a{{}}b", [["empty", "", 1, 2]]],
    ["braces holding only spaces", "a{{   }}b", [["empty", "", 1, 2]]],
    [
      "a nested placeholder",
      "{{ {{report.reference}} }}",
      [
        ["unclosed", null, 1, 1],
        ["stray_close", null, 1, 25],
      ],
    ],
    [
      "four opening braces",
      "{{{{report.reference}}}}",
      [
        ["unclosed", null, 1, 1],
        ["stray_close", null, 1, 23],
      ],
    ],
    [
      "an opening brace inside the name",
      "{{{report.reference}}",
      [["unknown_variable", "{report.reference", 1, 1]],
    ],
    ["a line and column after line breaks", "Hello\n\n  {{nope}}", [["unknown_variable", "nope", 3, 3]]],
    ["columns counted in characters, not UTF-16 units", "🎉🎉 {{x}}", [["unknown_variable", "x", 1, 4]]],
    ["CRLF counts one line break", "a\r\nb {{x}}", [["unknown_variable", "x", 2, 3]]],
    [
      "upper case is not the variable",
      "{{Report.Reference}}",
      [["unknown_variable", "Report.Reference", 1, 1]],
    ],
  ])("%s", (_, body, expected) => {
    expect(codes(body)).toEqual(expected);
  });

  it("lists several problems in order of appearance", () => {
    const problems = validateTemplate("{{a}} }}\n{{}} {{report.reference}} {{b}}\n{{");
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["unknown_variable", 1, 1],
      ["stray_close", 1, 7],
      ["empty", 2, 1],
      ["unknown_variable", 2, 27],
      ["unclosed", 3, 1],
    ]);
  });

  it("names the variable and the position in the message", () => {
    const [problem] = validateTemplate("x\n  {{deadline.resolve}}");
    expect(problem?.message).toBe(
      'Unknown variable "deadline.resolve" at line 2, column 3. Did you mean {{deadline.resolution}}?',
    );
    expect(validateTemplate("{{org.name")[0]?.message).toBe(
      '"{{" at line 1, column 1 is never closed with "}}".',
    );
    expect(validateTemplate("}}")[0]?.message).toBe(
      '"}}" at line 1, column 1 closes nothing: there is no "{{" before it.',
    );
    expect(validateTemplate("{{ }}")[0]?.message).toContain("is empty");
  });

  it.each([
    "constructor",
    "__proto__",
    "__proto__.x",
    "toString",
    "hasOwnProperty",
    "prototype",
    "valueOf",
    "report.constructor",
    "report",
    "report.",
    ".report.reference",
    "report..reference",
    "reporter.name.length",
    "org.name()",
    "org['name']",
    "this",
    "process.env",
    "report.reference|upper",
    "#if report",
    "> partial",
    "!comment",
    "&report.title",
  ])("refuses {{%s}}: only the listed variables exist", (name) => {
    const problems = validateTemplate(`{{${name}}}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.code).toBe("unknown_variable");
    expect(problems[0]?.variable).toBe(name);
    const rendered = render(`{{${name}}}`, { ...CONTEXT, ...({ [name]: "LEAK" } as TemplateContext) });
    expect(rendered.ok).toBe(false);
  });

  it("does not read prototype properties of the context", () => {
    const proto = { "report.reference": "FROM-PROTO" };
    const context = Object.create(proto) as TemplateContext;
    const result = render("{{report.reference}}", context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.code).toBe("no_value");
  });

  it("shortens a very long unknown name in the message", () => {
    const name = "x".repeat(5000);
    const [problem] = validateTemplate(`{{${name}}}`);
    expect(problem?.variable).toBe(`${"x".repeat(40)}…`);
    expect(problem?.message.length).toBeLessThan(120);
  });

  it("refuses a body that is not text", () => {
    for (const bad of [null, undefined, 42, {}, ["{{org.name}}"]]) {
      expect(validateTemplate(bad as unknown as string)[0]?.code).toBe("not_text");
      expect(render(bad as unknown as string).ok).toBe(false);
    }
  });
});

describe("renderTemplate: refusals", () => {
  it("refuses an invalid template with the same problems validateTemplate lists", () => {
    const body = "Hi {{reporter.nam}}, {{";
    const result = render(body);
    expect(result).toEqual({ ok: false, problems: validateTemplate(body) });
  });

  it("refuses a variable that has no value here instead of leaving a blank", () => {
    const result = render("Your Response Manager is {{assignee.name}}.", {
      ...CONTEXT,
      "assignee.name": null,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        code: "no_value",
        variable: "assignee.name",
        line: 1,
        column: 26,
        message:
          "{{assignee.name}} at line 1, column 26 cannot be filled: the report has no Response Manager yet.",
      },
    ]);
  });

  it("treats an empty string, undefined or a non-string value as no value", () => {
    for (const value of ["", undefined, 7, { toString: () => "x" }]) {
      const context = { ...CONTEXT, "sender.name": value } as unknown as TemplateContext;
      const result = render("{{sender.name}}", context);
      expect(result.ok).toBe(false);
    }
  });

  it("lists every missing value, with severity explained", () => {
    const result = render("{{report.severity}} {{assignee.name}}", { ...CONTEXT, "assignee.name": null });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.variable)).toEqual(["report.severity", "assignee.name"]);
      expect(result.problems[0]?.message).toContain("no severity yet");
    }
  });

  it("refuses with a null or missing context", () => {
    expect(render("{{org.name}}", null as unknown as TemplateContext).ok).toBe(false);
    expect(render("no variables", null as unknown as TemplateContext)).toEqual({
      ok: true,
      text: "no variables",
    });
  });
});

describe("long input", () => {
  it("renders a large template in linear time", () => {
    const body = `${"Line with {{report.reference}} and text.\n".repeat(20_000)}`;
    const started = performance.now();
    const out = text(body);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out.split("EMB-2026-0042")).toHaveLength(20_001);
  });

  it("validates 200,000 unclosed braces without quadratic rescanning", () => {
    const body = "{{".repeat(100_000);
    const started = performance.now();
    const problems = validateTemplate(body);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(problems.length).toBe(100_000);
    expect(problems.every((p) => p.code === "unclosed")).toBe(true);
  });

  it("validates 100,000 stray closers and reports their exact columns", () => {
    const problems = validateTemplate("}}".repeat(100_000));
    expect(problems).toHaveLength(100_000);
    expect(problems.at(-1)).toMatchObject({ code: "stray_close", line: 1, column: 199_999 });
  });

  it("keeps track of lines across a very long multi-line template", () => {
    const body = `${"x\n".repeat(50_000)}{{oops}}`;
    expect(validateTemplate(body)[0]).toMatchObject({ line: 50_001, column: 1, variable: "oops" });
  });
});

describe("templateContext", () => {
  it('addresses an anonymous reporter as "there", even when a name was given', () => {
    const anonymous = templateContext({ ...FACTS, reporter: { name: "Jane", credit: "anonymous" } });
    expect(text("Hello {{reporter.name}},", anonymous)).toBe("Hello there,");
    const noName = templateContext({ ...FACTS, reporter: { name: "  ", credit: "name" } });
    expect(text("Hello {{reporter.name}},", noName)).toBe("Hello there,");
    const named = templateContext({ ...FACTS, reporter: { name: " Jane Doe ", credit: "name" } });
    expect(text("Hello {{reporter.name}},", named)).toBe("Hello Jane Doe,");
  });

  it("formats deadlines as days in the organisation's time zone", () => {
    const late = new Date("2026-03-09T23:30:00Z");
    expect(formatTemplateDate(late, "UTC")).toBe("9 March 2026");
    expect(formatTemplateDate(late, "Europe/Berlin")).toBe("10 March 2026");
    expect(formatTemplateDate(late, "America/Los_Angeles")).toBe("9 March 2026");
    expect(formatTemplateDate(late, "Not/AZone")).toBe("9 March 2026");
  });

  it("leaves the severity and assignee empty when the report has none, so rendering explains it", () => {
    const bare = templateContext({ ...FACTS, assigneeName: null });
    expect(bare["report.severity"]).toBeNull();
    expect(bare["assignee.name"]).toBeNull();
  });
});

describe("purposes", () => {
  it("offers acknowledgement, needs-info, every rejection reason but spam, final feedback and general", () => {
    expect(TEMPLATE_PURPOSES).toEqual([
      "acknowledgement",
      "needs_info",
      "rejection:invalid",
      "rejection:duplicate",
      "rejection:out_of_scope",
      "rejection:not_reproducible",
      "rejection:informative",
      "rejection:wont_fix",
      "final_feedback",
      "general",
    ]);
  });

  it.each([
    ["acknowledgement", true, "Acknowledgement", null],
    ["rejection:out_of_scope", true, "Rejection: Out of scope", "out_of_scope"],
    ["rejection:spam", false, "Rejection: Spam", "spam"],
    ["rejection:", false, "rejection:", null],
    ["rejection:constructor", false, "rejection:constructor", null],
    ["__proto__", false, "__proto__", null],
    ["", false, "", null],
  ])("%s", (purpose, valid, label, reason) => {
    expect(isTemplatePurpose(purpose)).toBe(valid);
    expect(templatePurposeLabel(purpose)).toBe(label);
    expect(rejectionReasonOf(purpose)).toBe(reason);
  });

  it("refuses non-strings as purposes", () => {
    for (const bad of [null, undefined, 1, {}, ["general"]]) expect(isTemplatePurpose(bad)).toBe(false);
  });
});
