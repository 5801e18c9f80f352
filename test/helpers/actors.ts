import type { CurrentUser } from "../../src/core/actors.ts";
import type { Role } from "../../src/domain/permissions.ts";
import type { TestDb } from "./db.ts";
import { giveKey } from "./pgp.ts";

export interface Actor extends CurrentUser {
  token: string;
  password: string;
}

/** Creates a team member with a password and an API token. */
export async function makeActor(t: TestDb, role: Role, name: string): Promise<Actor> {
  const password = `${name}-password-long`;
  const user = await t.services.team.createMember(null, {
    email: `${name.toLowerCase()}@example.org`,
    name,
    role,
    password,
  });
  // Responders and admins need a usable OpenPGP key before they may manage reports, as in production.
  if (role !== "viewer") await giveKey(t, user.id);
  const { token } = await t.services.team.createApiToken(user.email);
  return { id: user.id, email: user.email, name: user.name, role: user.role, token, password };
}

/** The standard cast: an admin, two responders (so one can verify the other's fix) and a viewer. */
export async function makeTeam(t: TestDb) {
  return {
    admin: await makeActor(t, "admin", "Ada"),
    alice: await makeActor(t, "responder", "Alice"),
    bob: await makeActor(t, "responder", "Bob"),
    viewer: await makeActor(t, "viewer", "Vera"),
  };
}

/** A valid report body for the intake. */
export function reportFields(overrides: Record<string, unknown> = {}) {
  return {
    title: "Stored XSS in the comment preview",
    asset: "other",
    weakness: "CWE-79",
    description: "The comment preview renders HTML from the comment body without escaping it.",
    steps: "1. Post a comment containing <img src=x onerror=alert(1)>\n2. Open the preview.",
    impact: "Session theft of any user who opens the preview.",
    email: "researcher@example.net",
    name: "r3searcher",
    credit: "handle",
    ...overrides,
  };
}
