// Canned responses: plain-text templates with {{variable}} placeholders. Pure: no I/O, no clock.
//
// The rules, chosen so a template can never fail quietly:
// - `{{ name }}` is a placeholder; spaces, tabs and line breaks around the name are allowed.
// - Only the names in TEMPLATE_VARIABLES exist. Anything else (`{{constructor}}`, `{{__proto__.x}}`, a typo) is
//   an error that names the variable and its line and column. So are an unclosed `{{`, a stray `}}` and an
//   empty `{{}}`. validateTemplate lists every problem; renderTemplate refuses a template that has any.
// - One pass: a value is inserted as it is and never scanned again, so a report title that contains
//   `{{report.reference}}` stays literal text. The output is plain text; callers escape it where they show it.
// - A variable without a value here (no Response Manager yet, no severity) is an error, never a blank.

import {
  REJECTION_LABELS,
  REJECTION_REASONS,
  type RejectionReason,
  type ReportState,
  STATE_LABELS,
} from "./workflow.ts";

/** Every variable a template may use, with what it stands for and why it can be missing. */
export const TEMPLATE_VARIABLES = Object.freeze({
  "reporter.name": {
    description:
      'The name or handle the reporter gave; "there" when they chose to stay anonymous or gave none, so "Hello {{reporter.name}}," always reads well.',
    missing: "",
  },
  "report.reference": { description: "The report's reference, e.g. EMB-2026-0042.", missing: "" },
  "report.title": { description: "The report's title, as the reporter wrote it.", missing: "" },
  "report.state": { description: "The report's current state, e.g. Triage.", missing: "" },
  "report.severity": {
    description: "The report's severity, e.g. high.",
    missing: "the report has no severity yet",
  },
  "report.received": { description: "The date the report was received.", missing: "" },
  "org.name": { description: "The organisation's name from the settings.", missing: "" },
  "org.policy_url": { description: "The address of the public disclosure policy (scope).", missing: "" },
  "deadline.acknowledge": { description: "The date by which the report is acknowledged.", missing: "" },
  "deadline.triage": { description: "The date by which triage is complete.", missing: "" },
  "deadline.resolution": { description: "The date by which a confirmed issue is fixed.", missing: "" },
  "assignee.name": {
    description: "The name of the report's Response Manager.",
    missing: "the report has no Response Manager yet",
  },
  "sender.name": { description: "The name of the team member sending the message.", missing: "" },
} as const);

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export const TEMPLATE_VARIABLE_NAMES = Object.freeze(Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[]);

/** Values for the variables; a missing, null or empty value means "no value here" and stops the rendering. */
export type TemplateContext = Readonly<Partial<Record<TemplateVariable, string | null>>>;

/** What a template is for; the pickers offer the ones that fit their form. Spam gets no message, so no template. */
export const TEMPLATE_PURPOSES = Object.freeze([
  "acknowledgement",
  "needs_info",
  ...REJECTION_REASONS.filter((r) => r !== "spam").map((r) => `rejection:${r}` as const),
  "final_feedback",
  "general",
] as const);
export type TemplatePurpose = (typeof TEMPLATE_PURPOSES)[number];

/** Words for each purpose, for selects and lists. */
export function templatePurposeLabel(purpose: string): string {
  if (purpose === "acknowledgement") return "Acknowledgement";
  if (purpose === "needs_info") return "Needs more information";
  if (purpose === "final_feedback") return "Final feedback";
  if (purpose === "general") return "General";
  if (purpose.startsWith("rejection:")) {
    const reason = purpose.slice("rejection:".length);
    if ((REJECTION_REASONS as readonly string[]).includes(reason))
      return `Rejection: ${REJECTION_LABELS[reason as RejectionReason]}`;
  }
  return purpose;
}

export function isTemplatePurpose(value: unknown): value is TemplatePurpose {
  return typeof value === "string" && (TEMPLATE_PURPOSES as readonly string[]).includes(value);
}

/** The rejection reason a purpose stands for, so a picker can also choose the reason in the reject form. */
export function rejectionReasonOf(purpose: string): RejectionReason | null {
  if (!purpose.startsWith("rejection:")) return null;
  const reason = purpose.slice("rejection:".length);
  return (REJECTION_REASONS as readonly string[]).includes(reason) ? (reason as RejectionReason) : null;
}

export type TemplateProblemCode =
  | "unknown_variable"
  | "unclosed"
  | "stray_close"
  | "empty"
  | "no_value"
  | "not_text";

export interface TemplateProblem {
  code: TemplateProblemCode;
  /** The variable name as written (trimmed, shortened when very long), or null when there is none. */
  variable: string | null;
  /** 1-based; columns count characters (code points), not bytes. */
  line: number;
  column: number;
  message: string;
}

type Token =
  | { kind: "text"; text: string }
  | { kind: "var"; name: TemplateVariable; line: number; column: number };

const SHOWN_NAME_MAX = 40;
const shown = (name: string) => (name.length > SHOWN_NAME_MAX ? `${name.slice(0, SHOWN_NAME_MAX)}…` : name);
const at = (line: number, column: number) => `line ${line}, column ${column}`;

function isKnown(name: string): name is TemplateVariable {
  // Own properties of a frozen table: "constructor", "__proto__" or "toString" are not variables.
  return Object.hasOwn(TEMPLATE_VARIABLES, name);
}

/** The known variable closest to a typo, if one is close enough to be worth suggesting. */
function suggestion(name: string): TemplateVariable | null {
  if (name.length > 64) return null;
  const lower = name.toLowerCase();
  let best: TemplateVariable | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of TEMPLATE_VARIABLE_NAMES) {
    const d = editDistance(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Splits a template into text and variables in one linear pass, collecting every problem with its position. */
function parse(body: string): { tokens: Token[]; problems: TemplateProblem[] } {
  const tokens: Token[] = [];
  const problems: TemplateProblem[] = [];
  // Positions only move forward, so line and column are tracked incrementally: linear even for huge input.
  let posIndex = 0;
  let line = 1;
  let column = 1;
  const positionOf = (index: number) => {
    for (; posIndex < index; posIndex++) {
      const code = body.charCodeAt(posIndex);
      if (code === 10) {
        line++;
        column = 1;
      } else if (code < 0xdc00 || code > 0xdfff) {
        column++; // a low surrogate finishes a character already counted
      }
    }
    return { line, column };
  };
  // indexOf results are cached until the scan passes them, so a body full of "{{" is not rescanned each time.
  const cache = { "{{": -2, "}}": -2 };
  const next = (pattern: "{{" | "}}", from: number) => {
    const cached = cache[pattern];
    if (cached === -1 || (cached !== -2 && cached >= from)) return cached;
    cache[pattern] = body.indexOf(pattern, from);
    return cache[pattern];
  };

  let i = 0;
  let textStart = 0;
  for (;;) {
    const open = next("{{", i);
    const close = next("}}", i);
    if (close !== -1 && (open === -1 || close < open)) {
      const p = positionOf(close);
      problems.push({
        code: "stray_close",
        variable: null,
        ...p,
        message: `"}}" at ${at(p.line, p.column)} closes nothing: there is no "{{" before it.`,
      });
      i = close + 2;
      continue;
    }
    if (open === -1) break;
    const end = next("}}", open + 2);
    const reopened = next("{{", open + 2);
    if (end === -1 || (reopened !== -1 && reopened < end)) {
      const p = positionOf(open);
      problems.push({
        code: "unclosed",
        variable: null,
        ...p,
        message:
          end === -1
            ? `"{{" at ${at(p.line, p.column)} is never closed with "}}".`
            : `"{{" at ${at(p.line, p.column)} is not closed before the next "{{"; placeholders cannot be nested.`,
      });
      i = open + 2;
      continue;
    }
    if (open > textStart) tokens.push({ kind: "text", text: body.slice(textStart, open) });
    const p = positionOf(open);
    const name = body.slice(open + 2, end).trim();
    if (name === "") {
      problems.push({
        code: "empty",
        variable: "",
        ...p,
        message: `"{{}}" at ${at(p.line, p.column)} is empty: put a variable name between the braces.`,
      });
    } else if (!isKnown(name)) {
      const hint = suggestion(name);
      problems.push({
        code: "unknown_variable",
        variable: shown(name),
        ...p,
        message: `Unknown variable "${shown(name)}" at ${at(p.line, p.column)}.${hint ? ` Did you mean {{${hint}}}?` : ""}`,
      });
    } else {
      tokens.push({ kind: "var", name, ...p });
    }
    i = end + 2;
    textStart = i;
  }
  if (textStart < body.length) tokens.push({ kind: "text", text: body.slice(textStart) });
  return { tokens, problems };
}

/** Every problem in a template, in the order they appear; an empty list means it can be saved. */
export function validateTemplate(body: string): TemplateProblem[] {
  if (typeof body !== "string") {
    return [{ code: "not_text", variable: null, line: 1, column: 1, message: "The template must be text." }];
  }
  return parse(body).problems;
}

export type RenderResult = { ok: true; text: string } | { ok: false; problems: TemplateProblem[] };

/**
 * Fills a template's variables from the context in a single pass. An invalid template, or a variable with no
 * value in this context, is refused with every problem listed: the caller never gets a text with holes.
 */
export function renderTemplate(body: string, context: TemplateContext): RenderResult {
  if (typeof body !== "string") return { ok: false, problems: validateTemplate(body) };
  const { tokens, problems } = parse(body);
  if (problems.length > 0) return { ok: false, problems };
  const missing: TemplateProblem[] = [];
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.kind === "text") {
      parts.push(token.text);
      continue;
    }
    const value =
      context !== null && typeof context === "object" && Object.hasOwn(context, token.name)
        ? context[token.name]
        : undefined;
    if (typeof value !== "string" || value === "") {
      const why = TEMPLATE_VARIABLES[token.name].missing || "it has no value here";
      missing.push({
        code: "no_value",
        variable: token.name,
        line: token.line,
        column: token.column,
        message: `{{${token.name}}} at ${at(token.line, token.column)} cannot be filled: ${why}.`,
      });
      continue;
    }
    parts.push(value);
  }
  return missing.length > 0 ? { ok: false, problems: missing } : { ok: true, text: parts.join("") };
}

/** Deadlines in a letter read as a day, in the organisation's time zone: "9 March 2026". */
export function formatTemplateDate(date: Date, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "long", year: "numeric" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(date);
  }
}

/** What a template can know about a report, as the service loads it. */
export interface TemplateFacts {
  reporter: { name: string | null; credit: string };
  report: {
    reference: string;
    title: string;
    state: ReportState;
    severity: string | null;
    receivedAt: Date;
    deadlines: { acknowledgeBy: Date; triageBy: Date; resolveBy: Date };
  };
  org: { name: string; policyUrl: string };
  assigneeName: string | null;
  senderName: string | null;
  timeZone: string;
}

/** The variables' values for one report; the reporter's name follows their credit choice. */
export function templateContext(facts: TemplateFacts): TemplateContext {
  const date = (d: Date) => formatTemplateDate(d, facts.timeZone);
  const name = facts.reporter.name?.trim();
  return {
    "reporter.name": facts.reporter.credit !== "anonymous" && name ? name : "there",
    "report.reference": facts.report.reference,
    "report.title": facts.report.title,
    "report.state": STATE_LABELS[facts.report.state] ?? facts.report.state,
    "report.severity": facts.report.severity,
    "report.received": date(facts.report.receivedAt),
    "org.name": facts.org.name,
    "org.policy_url": facts.org.policyUrl,
    "deadline.acknowledge": date(facts.report.deadlines.acknowledgeBy),
    "deadline.triage": date(facts.report.deadlines.triageBy),
    "deadline.resolution": date(facts.report.deadlines.resolveBy),
    "assignee.name": facts.assigneeName,
    "sender.name": facts.senderName,
  };
}
