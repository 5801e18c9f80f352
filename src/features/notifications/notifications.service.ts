import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { badRequest, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { memberKeyUsability } from "../../domain/member-key.ts";
import { userIdEmails } from "../../domain/pgp-keys.ts";
import type { KeysService } from "../keys/keys.service.ts";
import {
  allLists,
  deleteList,
  deleteMember,
  insertList,
  insertMembers,
  type ListMemberRow,
  type ListRow,
  listById,
  membersOf,
  touchList,
} from "./notifications.repo.ts";
import {
  type ListMemberInput,
  listMemberSchema,
  MAX_LIST_MEMBERS,
  notificationListSchema,
} from "./notifications.schema.ts";

export interface NotificationsDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeysService, "checkReporterKey">;
}

/** A list member as pages and the API show them: never the key block itself, only its facts. */
export interface ListMemberView {
  id: string;
  name: string;
  email: string;
  organization: string | null;
  fingerprint: string;
  keyExpiresAt: Date | null;
  /** Why no mail can be encrypted to them now (an expired key), or null. */
  keyProblem: string | null;
}

export interface NotificationListView {
  id: string;
  name: string;
  mode: "imminent" | "full";
  createdAt: Date;
  updatedAt: Date;
  members: ListMemberView[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Pre-notification lists: who is told before a release goes public, each with a key their mail is encrypted to. */
export function createNotificationsService(deps: NotificationsDeps) {
  const { db, clock } = deps;

  const memberView = (m: ListMemberRow, now: Date): ListMemberView => {
    const usable = memberKeyUsability(
      { fingerprint: m.fingerprint, expiresAt: m.keyExpiresAt?.toISOString() ?? null },
      now,
    );
    return {
      id: m.id,
      name: m.name,
      email: m.email,
      organization: m.organization,
      fingerprint: m.fingerprint,
      keyExpiresAt: m.keyExpiresAt,
      keyProblem: usable.usable ? null : `the key expired on ${m.keyExpiresAt?.toISOString().slice(0, 10)}`,
    };
  };
  const listView = (list: ListRow, members: ListMemberRow[], now = clock()): NotificationListView => ({
    id: list.id,
    name: list.name,
    mode: list.mode,
    createdAt: list.createdAt,
    updatedAt: list.updatedAt,
    members: members.map((m) => memberView(m, now)),
  });

  /** Checks every member's key like a team key (usable, not expired, for their address); errors name the field. */
  async function checkKeys(members: readonly ListMemberInput[], prefix: (i: number) => string) {
    const fields: Record<string, string> = {};
    const checked = await Promise.all(members.map((m) => deps.keys.checkReporterKey(m.pgpKey, m.email)));
    const rows = checked.map((verdict, i) => {
      const m = members[i] as ListMemberInput;
      if (!verdict.ok) {
        fields[`${prefix(i)}pgpKey`] = verdict.error;
        return null;
      }
      // Stricter than a team key: the mail goes to this address, so the key must say it belongs to it.
      const emails = userIdEmails(verdict.userIds);
      if (!emails.includes(m.email)) {
        fields[`${prefix(i)}pgpKey`] =
          `None of this key's user IDs is ${m.email}${emails.length > 0 ? ` (it names ${emails.join(", ")})` : ""}. Pre-notification mail goes to ${m.email}, so its key must carry that address.`;
        return null;
      }
      return {
        name: m.name,
        email: m.email,
        organization: m.organization,
        publicKey: verdict.armored ?? m.pgpKey.trim(),
        fingerprint: verdict.fingerprint,
        keyExpiresAt: verdict.expiresAt,
      };
    });
    if (Object.keys(fields).length > 0)
      throw badRequest("A member's key cannot be used; each problem is named.", fields);
    return rows.filter((r) => r !== null);
  }

  const byId = async (id: string, dbOrTx: Db = db) => {
    const row = UUID.test(id) ? await listById(dbOrTx, id) : null;
    if (!row) throw notFound("Notification list");
    return row;
  };

  return {
    async lists(): Promise<NotificationListView[]> {
      const now = clock();
      return (await allLists(db)).map(({ list, members }) => listView(list, members, now));
    },

    async get(id: string): Promise<NotificationListView> {
      const list = await byId(id);
      return listView(list, await membersOf(db, id));
    },

    /** Creates a list with its members (none is fine: members can be added one by one). */
    async create(actorId: string, input: unknown): Promise<NotificationListView> {
      const parsed = notificationListSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const { name, mode, members } = parsed.data;
      const rows = await checkKeys(members, (i) => `members.${i}.`);
      const taken = () =>
        badRequest("A list with this name exists.", { name: "A list with this name exists." });
      return transaction(db, async (tx) => {
        const now = clock();
        const list = await insertList(tx, { name, mode, createdAt: now, updatedAt: now });
        if (!list) throw taken();
        const inserted = await insertMembers(
          tx,
          rows.map((r) => ({ ...r, listId: list.id, createdAt: now })),
        );
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "notification_list.created",
            reportId: null,
            data: {
              listId: list.id,
              name,
              mode,
              members: inserted.map((m) => ({ email: m.email, fingerprint: m.fingerprint })),
            },
          },
          now,
        );
        return listView(list, inserted, now);
      });
    },

    /** Adds one member to a list, with a checked key. */
    async addMember(actorId: string, listId: string, input: unknown): Promise<ListMemberView> {
      const parsed = listMemberSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const list = await byId(listId);
      const [row] = await checkKeys([parsed.data], () => "");
      return transaction(db, async (tx) => {
        const now = clock();
        const current = await membersOf(tx, listId);
        if (current.some((m) => m.email === parsed.data.email))
          throw badRequest("This address is on the list already.", {
            email: "This address is on the list already.",
          });
        if (current.length >= MAX_LIST_MEMBERS)
          throw badRequest(`A list holds at most ${MAX_LIST_MEMBERS} members.`, {
            email: `A list holds at most ${MAX_LIST_MEMBERS} members.`,
          });
        const [member] = await insertMembers(tx, [
          { ...(row as NonNullable<typeof row>), listId, createdAt: now },
        ]);
        await touchList(tx, listId, now);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "notification_list.member_added",
            reportId: null,
            data: { listId, list: list.name, email: member?.email, fingerprint: member?.fingerprint },
          },
          now,
        );
        return memberView(member as ListMemberRow, now);
      });
    },

    async removeMember(actorId: string, listId: string, memberId: string): Promise<void> {
      const list = await byId(listId);
      await transaction(db, async (tx) => {
        const removed = UUID.test(memberId) ? await deleteMember(tx, listId, memberId) : null;
        if (!removed) throw notFound("List member");
        const now = clock();
        await touchList(tx, listId, now);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "notification_list.member_removed",
            reportId: null,
            data: { listId, list: list.name, email: removed.email },
          },
          now,
        );
      });
    },

    async remove(actorId: string, listId: string): Promise<void> {
      const list = await byId(listId);
      await transaction(db, async (tx) => {
        await deleteList(tx, listId);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "notification_list.deleted",
            reportId: null,
            data: { listId, name: list.name, mode: list.mode },
          },
          clock(),
        );
      });
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
