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
                {props.orgName} <span class="muted">security</span>
              </a>
              <nav aria-label="Main">
                {user ? (
                  <>
                    <a href="/inbox" aria-current={props.active === "inbox" ? "page" : undefined}>
                      Inbox
                    </a>
                    {user.role !== "viewer" && (
                      <a
                        href="/account/availability"
                        aria-current={props.active === "availability" ? "page" : undefined}
                      >
                        My availability
                      </a>
                    )}
                    {user.role === "admin" && (
                      <>
                        <a href="/admin/team" aria-current={props.active === "team" ? "page" : undefined}>
                          Team
                        </a>
                        <a
                          href="/admin/settings"
                          aria-current={props.active === "settings" ? "page" : undefined}
                        >
                          Settings
                        </a>
                        <a href="/admin/outbox" aria-current={props.active === "outbox" ? "page" : undefined}>
                          Outbox
                        </a>
                      </>
                    )}
                    <a href="/" aria-current={props.active === "policy" ? "page" : undefined}>
                      Policy
                    </a>
                    <a
                      href="/account/alerts"
                      aria-current={props.active === "my-alerts" ? "page" : undefined}
                    >
                      My alerts
                    </a>
                    <a href="/account/key" aria-current={props.active === "my-key" ? "page" : undefined}>
                      My key
                    </a>
                    <a
                      href="/account/tokens"
                      aria-current={props.active === "api-tokens" ? "page" : undefined}
                    >
                      API tokens
                    </a>
                    <form method="post" action="/logout" class="inline">
                      <input type="hidden" name="_csrf" value={props.csrfToken ?? ""} />
                      <button type="submit" class="link">
                        Sign out ({user.name})
                      </button>
                    </form>
                  </>
                ) : (
                  <>
                    <a href="/" aria-current={props.active === "policy" ? "page" : undefined}>
                      Policy
                    </a>
                    <a href="/report" aria-current={props.active === "report" ? "page" : undefined}>
                      Report a vulnerability
                    </a>
                    <a
                      href="/login"
                      class="quiet"
                      aria-current={props.active === "login" ? "page" : undefined}
                    >
                      Team sign-in
                    </a>
                  </>
                )}
              </nav>
            </div>
          </header>
          {user && <HeldMailSlot />}
          <main id="main" class="wrap">
            {props.children}
          </main>
          <footer class="site">
            <div class="wrap muted">
              {props.orgName} coordinated vulnerability disclosure ·{" "}
              <a href="/.well-known/security.txt">security.txt</a>
            </div>
          </footer>
        </body>
      </html>
    </>
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
