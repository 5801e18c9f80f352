// Who may do what: one readable table, checked by the HTTP layer and again by services.

export const ROLES = ["admin", "responder", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const CAPABILITIES = [
  "report.read",
  "report.act",
  "report.message",
  "report.read_internal",
  "team.manage",
  "settings.manage",
  "outbox.read",
  "outbox.manage",
  "audit.read",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  responder: "Responder",
  viewer: "Viewer",
};

/** The permission table itself; frozen so nothing at runtime can widen a role. */
const GRANTS: Readonly<Record<Role, ReadonlySet<Capability>>> = Object.freeze({
  admin: new Set<Capability>(CAPABILITIES),
  responder: new Set<Capability>([
    "report.read",
    "report.act",
    "report.message",
    "report.read_internal",
    "audit.read",
  ]),
  viewer: new Set<Capability>(["report.read", "report.read_internal"]),
});

/** The one place that answers "may this role do this"; unknown roles and capabilities are always refused. */
export function can(role: Role, capability: Capability): boolean {
  if (typeof role !== "string" || !Object.hasOwn(GRANTS, role)) return false;
  return GRANTS[role].has(capability);
}

/** Narrows untrusted input (a session row, a form field) to a known role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
