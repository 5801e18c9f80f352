import type { Child } from "hono/jsx";
import type { CurrentUser } from "../../core/actors.ts";
import { Layout } from "../layout.tsx";

type Errors = Record<string, string>;
type Values = Record<string, string>;

/** A form that failed: what was typed, the message and the per-field errors. */
export interface FormProblem {
  message: string;
  values: Values;
  errors: Errors;
}

export interface AdminFrame {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
}

const SECTIONS = [
  { key: "team", href: "/admin/team", label: "Team" },
  { key: "sign-ins", href: "/admin/sign-ins", label: "Sign-in throttles" },
  { key: "settings", href: "/admin/settings", label: "Settings" },
  { key: "scope", href: "/admin/scope", label: "Scope" },
  { key: "repositories", href: "/admin/repositories", label: "Repositories" },
  { key: "notification-lists", href: "/admin/notification-lists", label: "Notification lists" },
  { key: "intake", href: "/admin/intake", label: "Intake limits" },
  { key: "responses", href: "/admin/responses", label: "Canned responses" },
  { key: "outbox", href: "/admin/outbox", label: "Outbox" },
  { key: "mail", href: "/admin/mail", label: "Mail intake" },
  { key: "alerts", href: "/admin/alerts", label: "Alerts" },
  { key: "keys", href: "/admin/keys", label: "Keys" },
  { key: "maintenance", href: "/admin/maintenance", label: "Maintenance" },
] as const;
type Section = (typeof SECTIONS)[number]["key"];

/** The frame every admin page shares: the site layout plus the administration tabs. */
export function AdminLayout(
  props: AdminFrame & { title: string; section: Section; failed?: boolean; children?: Child },
) {
  return (
    <Layout
      title={props.failed ? `Error: ${props.title}` : props.title}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="admin"
    >
      <nav class="admin-nav" aria-label="Administration">
        {SECTIONS.map((s) => (
          <a href={s.href} aria-current={s.key === props.section ? "page" : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      {props.children}
    </Layout>
  );
}

export function Done(props: { message: string | null | undefined }) {
  return props.message ? (
    <div class="notice success" role="status" id="done">
      {props.message}
    </div>
  ) : null;
}

export function Problem(props: { problem: FormProblem | null | undefined; id: string }) {
  return props.problem ? (
    <div class="notice error" role="alert" id={props.id}>
      {props.problem.message}
    </div>
  ) : null;
}
