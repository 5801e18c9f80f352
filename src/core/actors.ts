import type { Role } from "../domain/permissions.ts";

/** A signed-in team member, or Embargo itself (SYSTEM_ACTOR), as services see whoever asks for a change. */
export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * Embargo itself, for changes no person made (a request for information that expired). Recognised by identity,
 * never by its fields, so no session or token can pose as it: requests always carry a user loaded from the database.
 */
export const SYSTEM_ACTOR: CurrentUser = Object.freeze({
  id: "system",
  email: "",
  name: "Embargo",
  role: "admin" as const,
});

/** Whether a change is made by Embargo itself rather than a team member. */
export function isSystemActor(actor: CurrentUser): boolean {
  return actor === SYSTEM_ACTOR;
}

/** How the audit log and the conversation name the author of a change. */
export function authorOf(actor: CurrentUser) {
  return isSystemActor(actor)
    ? { actorType: "system" as const, actorId: null, authorType: "system" as const, authorUserId: null }
    : { actorType: "user" as const, actorId: actor.id, authorType: "team" as const, authorUserId: actor.id };
}
