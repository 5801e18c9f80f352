import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { CurrentUser } from "../core/actors.ts";
import { HeldMailSlot } from "./components/held-mail-banner.tsx";

export interface LayoutProps {
  title: string;
  orgName: string;
  user?: CurrentUser | null;
  csrfToken?: string | null;
  /** Which nav entry is current. */
  active?: string;
  /**
   * The public reading column: the policy's main column width for pages without a sidebar (the form, keys, hall
   * of fame), so every public page lines up the same way.
   */
  column?: boolean;
  children?: Child;
}

/** Every page's frame. Scripts are ours, deferred, and only improve a page that already works without them. */
export function Layout(props: LayoutProps) {
  const { user } = props;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="same-origin" />
          <meta
            name="htmx-config"
            content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'
          />
          <title>{`${props.title} · ${props.orgName} security`}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/css/app.css" />
          <link rel="stylesheet" href="/static/css/public.css" />
          <link rel="stylesheet" href="/static/css/team.css" />
          <script src="/static/js/htmx.min.js" defer></script>
          <script src="/static/js/app.js" defer></script>
        </head>
        <body class={user ? "team" : "public"}>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="site">
            <div class="wrap">
              <a class="brand" href={user ? "/inbox" : "/"}>
                <span class="mark" aria-hidden="true">
                  ◆
                </span>{" "}
                <span class="brand-name">{props.orgName}</span>{" "}
                <span class="muted brand-suffix">security</span>
              </a>
              {user ? <TeamNav {...props} user={user} /> : <PublicNav active={props.active} />}
            </div>
          </header>
          {user && <HeldMailSlot />}
          <main id="main" class={props.column ? "wrap public-column" : "wrap"}>
            {props.children}
          </main>
          <footer class="site">
            <div class="wrap muted">
              {props.orgName} coordinated vulnerability disclosure ·{" "}
              <a href="/.well-known/security.txt">security.txt</a>
              {!user && (
                <>
                  {" · "}
                  <a href="/login" aria-current={props.active === "login" ? "page" : undefined}>
                    Team sign-in
                  </a>
                </>
              )}
            </div>
          </footer>
        </body>
      </html>
    </>
  );
}

const current = (active: string | undefined, key: string) => (active === key ? "page" : undefined);

/**
 * The researcher's bar: the policy and the form, nothing else, so it fits one line on a phone. Team sign-in
 * lives in the footer: the public audience is reporters, and members come back through their bookmarks.
 */
function PublicNav(props: { active: string | undefined }) {
  return (
    <nav aria-label="Main" class="site-nav">
      <a href="/" aria-current={current(props.active, "policy")}>
        Policy
      </a>
      <a href="/report" aria-current={current(props.active, "report")}>
        Report<span class="wide-only"> a vulnerability</span>
      </a>
    </nav>
  );
}

/** Pages of the signed-in member's own, in the account menu. */
const ACCOUNT_LINKS = [
  { key: "availability", href: "/account/availability", label: "My availability", viewer: false },
  { key: "my-alerts", href: "/account/alerts", label: "My alerts", viewer: true },
  { key: "my-key", href: "/account/key", label: "My key", viewer: true },
  { key: "api-tokens", href: "/account/tokens", label: "API tokens", viewer: true },
] as const;

/**
 * The team's one bar: the inbox and, for admins, administration (whose sections are its own tabs), then a
 * <details> menu with the member's own pages, the public policy and signing out. It stays one line at 390 px
 * and opens without JavaScript.
 */
function TeamNav(props: LayoutProps & { user: CurrentUser }) {
  const { user, active } = props;
  const inMenu = ACCOUNT_LINKS.some((l) => l.key === active) || active === "policy";
  return (
    <nav aria-label="Main" class="site-nav">
      <a href="/inbox" aria-current={current(active, "inbox")}>
        Inbox
      </a>
      <a href="/manage/advisories" aria-current={current(active, "advisories")}>
        Advisories
      </a>
      {user.role === "admin" && (
        <a href="/admin/team" aria-current={current(active, "admin")}>
          Admin
        </a>
      )}
      <details class="nav-menu">
        <summary class={inMenu ? "current" : undefined}>
          <span class="who">{user.name}</span>
        </summary>
        <div class="nav-menu-items">
          {ACCOUNT_LINKS.filter((l) => l.viewer || user.role !== "viewer").map((l) => (
            <a href={l.href} aria-current={current(active, l.key)}>
              {l.label}
            </a>
          ))}
          <a href="/" aria-current={current(active, "policy")}>
            Public policy
          </a>
          <form method="post" action="/logout">
            <input type="hidden" name="_csrf" value={props.csrfToken ?? ""} />
            <button type="submit" class="link">
              Sign out ({user.name})
            </button>
          </form>
        </div>
      </details>
    </nav>
  );
}

/** A hidden CSRF field for team forms. */
export function Csrf(props: { token: string | null | undefined }) {
  return <input type="hidden" name="_csrf" value={props.token ?? ""} />;
}

/** Dates as people read them, always with the zone, so deadlines are unambiguous. */
export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "3 days", "5 hours": how old something is. */
export function formatAge(from: Date, now: Date): string {
  const ms = Math.max(0, now.getTime() - from.getTime());
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
