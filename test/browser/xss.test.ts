import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor, reportFields } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { raiseIntakeLimits } from "../helpers/intake-limits.ts";

/**
 * The XSS proof: a corpus of payloads stored in every field people can fill, then every page that shows them
 * opened in Chromium with JavaScript on. A payload that runs sets window.__xss or calls xss(); the probe is
 * defined before any page script, so it sees every attempt, and the CSP's refusals are recorded too.
 */
const PAYLOADS = [
  "<script>window.__xss=1</script>",
  '<img src=x onerror="window.__xss=1">',
  "<svg onload=xss()>",
  '"><img src=x onerror=xss()>',
  "' onmouseover='xss()' x='",
  "</textarea><script>xss()</script>",
  "</title><script>xss()</script>",
  '<a href="javascript:xss()">js link</a>',
  "[md link](javascript:xss())",
  "![md image](javascript:xss())",
  "[data link](data:text/html,<script>xss()</script>)",
  "<style>body{background:url('javascript:xss()')}</style>",
  "&lt;script&gt;xss()&lt;/script&gt;",
  "&#60;img src=x onerror=xss()&#62;",
  '<iframe srcdoc="<script>parent.xss()</script>">',
  "<details open ontoggle=xss()>",
  "<input autofocus onfocus=xss()>",
  '<a href="jav&#x09;ascript:xss()">tab link</a>',
  "<math><mtext><table><mglyph><style><img src=x onerror=xss()>",
  "{{7*7}} $" + "{xss()} <%= xss() %>",
  "[ref link][r]\n\n[r]: javascript:xss()",
  "<http://x/<script>xss()</script>>",
];
const ALL = PAYLOADS.join("\n\n");
/** One payload short enough for a name field (100–120 characters). */
const short = (i: number, prefix = "") => `${prefix}${PAYLOADS[i % PAYLOADS.length]}`.slice(0, 100);

/** Defined before any page script: every way a payload could report itself. */
const PROBE = `
  window.__xssHits = [];
  window.__cspViolations = [];
  Object.defineProperty(window, "__xss", {
    configurable: true,
    get() { return window.__xssHits.length ? 1 : undefined; },
    set(v) { window.__xssHits.push("__xss=" + String(v)); },
  });
  window.xss = () => window.__xssHits.push("xss()");
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(e.violatedDirective + " " + (e.sample || e.blockedURI)));
`;

interface Verdict {
  xss: unknown;
  hits: string[];
  csp: string[];
  javascriptLinks: string[];
  handlers: string[];
  inlineScripts: number;
  frames: number;
}

/** Hovers, focuses and toggles what a person would, then reads the probe and the DOM. */
async function inspect(page: Page): Promise<Verdict> {
  const targets = page.locator(
    "a, button, input, textarea, select, img, svg, details, summary, code, pre, td, li",
  );
  const count = Math.min(await targets.count(), 60);
  for (let i = 0; i < count; i++)
    await targets
      .nth(i)
      .hover({ timeout: 500 })
      .catch(() => undefined);
  await page.evaluate(() => {
    for (const el of Array.from(document.querySelectorAll("*"))) {
      for (const type of ["mouseover", "mouseenter", "focus", "click", "toggle", "animationstart"]) {
        if (type === "click" && (el.tagName === "A" || el.tagName === "BUTTON" || el.tagName === "INPUT"))
          continue;
        el.dispatchEvent(new Event(type, { bubbles: true }));
      }
      (el as HTMLElement).focus?.();
    }
  });
  await page.waitForTimeout(100);
  return page.evaluate(() => {
    const w = window as unknown as { __xss: unknown; __xssHits: string[]; __cspViolations: string[] };
    const handlers: string[] = [];
    for (const el of Array.from(document.querySelectorAll("*"))) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) handlers.push(`<${el.tagName.toLowerCase()} ${attr.name}>`);
      }
    }
    const javascriptLinks = Array.from(
      document.querySelectorAll("a[href], area[href], form[action], iframe[src]"),
    )
      .map((el) => (el as HTMLAnchorElement).href ?? el.getAttribute("action") ?? "")
      .filter((href) => /^\s*(javascript|data|vbscript):/i.test(href));
    return {
      xss: w.__xss,
      hits: w.__xssHits,
      csp: w.__cspViolations,
      javascriptLinks,
      handlers,
      inlineScripts: Array.from(document.scripts).filter((s) => !s.src && s.type !== "application/json")
        .length,
      frames: document.querySelectorAll("iframe, object, embed").length,
    };
  });
}

describe("stored XSS corpus in Chromium", { timeout: 300_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let admin: Actor;
  let reference = "";
  let trackingPath = "";
  let templateId = "";
  const pages: { path: string; signedIn: boolean; shows?: string }[] = [];

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    const { t } = live;
    await raiseIntakeLimits(t);
    admin = await makeActor(t, "admin", "Admin");
    // A team member whose name is a payload: shown in the team list, assignee pickers and the timeline.
    const member = await makeActor(t, "responder", "Mallory");
    await t.services.team.updateMember(admin.id, member.id, {
      email: member.email,
      name: short(3, "M "),
      role: "responder",
      active: true,
    });
    // An invite whose name is a payload: shown in the pending invites and on the page behind its link.
    const invited = await t.services.invites.invite(admin.id, {
      email: "invited@example.org",
      name: short(3, "I "),
      role: "viewer",
    });
    pages.push({ path: new URL(invited.link).pathname, signedIn: false, shows: "onerror=xss()" });
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(admin.id, {
      ...org,
      name: short(6),
      policyMarkdown: `# Policy\n\n${ALL}`,
      safeHarborMarkdown: `Safe harbor ${ALL}`,
    });
    const asset = await t.services.assets.create(admin.id, {
      name: short(1, "A "),
      identifier: "javascript:xss()",
      kind: "web",
      inScope: true,
      description: PAYLOADS.slice(0, 12).join(" ").slice(0, 2000),
    });
    await t.services.assets.create(admin.id, {
      name: short(4, "B "),
      identifier: '"><svg onload=xss()>',
      kind: "api",
      inScope: false,
      description: short(7),
    });
    const template = await t.services.templates.create(admin.id, {
      name: short(5, "T "),
      purpose: "general",
      // Variables must be known ones; {{report.title}} fills the report's payload title into the picker.
      body: `${PAYLOADS.filter((x) => !x.includes("{{")).join("\n\n")}\n\n{{report.title}}`,
    });
    templateId = template.id;

    const files = [
      { filename: "<img src=x onerror=xss()>.txt", data: Buffer.from("a") },
      { filename: '"><svg onload=xss()>.png', data: Buffer.from("b") },
      { filename: "javascript:xss().txt", data: Buffer.from("c") },
    ];
    const { report, trackingUrl } = await t.services.reports.submit(
      reportFields({
        title: `${PAYLOADS[3]} ${PAYLOADS[0]}`,
        asset: asset.id,
        description: ALL,
        steps: ALL,
        impact: ALL,
        name: short(2),
        credit: "name",
      }),
      files,
      "web",
    );
    reference = report.reference;
    trackingPath = new URL(trackingUrl).pathname;
    const token = trackingPath.split("/r/")[1]!;
    await t.services.reports.replyAsReporter(token, { body: ALL }, [
      { filename: "</textarea><script>xss()</script>.log", data: Buffer.from("d") },
    ]);
    await t.services.reports.postMessage(admin, reference, { body: ALL, visibility: "reporter" });
    await t.services.reports.postMessage(admin, reference, {
      body: `Internal note ${ALL}`,
      visibility: "internal",
    });
    // A second report, rejected with a payload reason, so the timeline and reporter page carry one.
    const second = await t.services.reports.submit(reportFields({ title: short(8, "R ") }), [], "web");
    await t.services.reports
      .act(admin, second.report.reference, { action: "reject", reason: "not_applicable", message: ALL })
      .catch(() => undefined);

    const q = encodeURIComponent(PAYLOADS[3]!);
    pages.push(
      { path: "/", signedIn: false, shows: "onerror" },
      { path: "/report", signedIn: false, shows: 'A <img src=x onerror="window.__xss=1">' },
      { path: "/hall-of-fame", signedIn: false },
      { path: "/.well-known/security.txt", signedIn: false },
      { path: trackingPath, signedIn: false, shows: "<svg onload=xss()>" },
      { path: "/r/recover", signedIn: false },
      { path: "/inbox", signedIn: true, shows: "onerror=xss()" },
      { path: `/inbox?q=${q}`, signedIn: true },
      { path: `/inbox?q=${encodeURIComponent("\"' onmouseover=xss() x=")}`, signedIn: true },
      { path: `/reports/${reference}`, signedIn: true, shows: "onerror=xss()" },
      { path: `/reports/${reference}?duplicate_of=${q}`, signedIn: true },
      { path: `/reports/${second.report.reference}`, signedIn: true },
      { path: "/admin/team", signedIn: true, shows: "onerror=xss()" },
      { path: "/admin/settings", signedIn: true, shows: "</title>" },
      { path: "/admin/scope", signedIn: true, shows: "A <img" },
      { path: "/admin/responses", signedIn: true, shows: "T <" },
      { path: `/admin/responses/${templateId}`, signedIn: true, shows: "</textarea>" },
      { path: "/admin/outbox", signedIn: true },
      { path: "/admin/keys", signedIn: true },
      { path: "/admin/intake", signedIn: true },
      { path: "/admin/alerts", signedIn: true },
      { path: "/admin/alerts/log", signedIn: true },
      { path: "/admin/mail", signedIn: true },
      { path: "/admin/sign-ins", signedIn: true },
      { path: "/account/key", signedIn: true },
      { path: "/account/tokens", signedIn: true },
      { path: "/account/availability", signedIn: true },
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("runs no payload on any page that shows them, and links none to javascript:", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(PROBE);
    const console: string[] = [];
    const team = await signInPage(live, context, admin);
    const anonymous = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await anonymous.addInitScript(PROBE);
    const visitor = await anonymous.newPage();
    for (const p of [team, visitor]) {
      p.on("console", (m) => console.push(m.text()));
      p.on("dialog", (d) => {
        console.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
    }
    const problems: Record<string, Partial<Verdict> & { status?: number; missing?: string }> = {};
    for (const { path, signedIn, shows } of pages) {
      const page = signedIn ? team : visitor;
      const res = await page.goto(`${live.url}${path}`, { waitUntil: "load" });
      const verdict = await inspect(page);
      // innerText, not textContent: what the page shows, so a payload inside a <style> or <script> does not count.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is being checked.
      const text = await page.evaluate(() => document.body?.innerText ?? "");
      const issue: Partial<Verdict> & { status?: number; missing?: string } = {};
      if ((res?.status() ?? 0) >= 400) issue.status = res?.status();
      if (verdict.xss !== undefined || verdict.hits.length)
        Object.assign(issue, { xss: verdict.xss, hits: verdict.hits });
      if (verdict.csp.length) issue.csp = verdict.csp;
      if (verdict.javascriptLinks.length) issue.javascriptLinks = verdict.javascriptLinks;
      if (verdict.handlers.length) issue.handlers = verdict.handlers.slice(0, 5);
      if (verdict.inlineScripts) issue.inlineScripts = verdict.inlineScripts;
      if (verdict.frames) issue.frames = verdict.frames;
      // The page really shows the stored text, escaped: the proof is about pages that carry the corpus.
      if (shows && !text.includes(shows)) issue.missing = shows;
      if (Object.keys(issue).length) problems[path] = issue;
    }
    await team.goto(`${live.url}/reports/${reference}`);
    await screenshot(team, "xss-report-page");
    await visitor.goto(`${live.url}${trackingPath}`);
    await screenshot(visitor, "xss-tracking-page");
    expect(problems).toEqual({});
    expect(console.filter((m) => /xss/i.test(m))).toEqual([]);
    await context.close();
    await anonymous.close();
  });
});
