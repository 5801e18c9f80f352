import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { transaction } from "../../core/db.ts";
import { outbox } from "../../db/schema.ts";
import type { OutgoingMail } from "../../mail/transport.ts";
import { createMailDeliveryHandler, INTERRUPTED_SEND, queueMail } from "./outbox.jobs.ts";

describe.each(DB_KINDS)(
  "a retried mail job never sends what the outbox row knows went out, on %s",
  (kind) => {
    let t: TestDb;
    const sent: { mail: OutgoingMail; statusDuringSend: string | undefined }[] = [];

    const rowOf = async (id: string) =>
      (await t.database.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
    const deliver = () =>
      createMailDeliveryHandler({
        db: t.database.db,
        transport: async (mail) => {
          const id = /^<([^@]+)@/.exec(mail.messageId)![1]!;
          sent.push({ mail, statusDuringSend: (await rowOf(id)).status });
        },
        clock: t.clock,
        publicHost: "embargo.test",
        cipher: t.services.deps.cipher,
        keys: t.services.keys,
      });
    /** A mail as a service queues it, and its outbox row's id. */
    const queued = async (to: string, status?: "sending" | "sent" | "bounced") => {
      await transaction(t.services.db, (tx) =>
        queueMail(
          tx,
          { jobs: t.jobs, cipher: t.services.deps.cipher },
          { reportId: null, to, subject: "Receipt", body: "We received your report." },
          t.clock(),
        ),
      );
      const [row] = await t.database.db.select().from(outbox).where(eq(outbox.toAddress, to));
      if (status)
        await t.database.db.update(outbox).set({ status, attempts: 1 }).where(eq(outbox.id, row!.id));
      return row!.id;
    };

    beforeAll(async () => {
      t = await createTestDb(kind);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("marks the row sending for the SMTP conversation and sent after it, with no error", async () => {
      const id = await queued("first@example.net");
      await deliver()({ outboxId: id });
      const mine = sent.filter((s) => s.mail.to === "first@example.net");
      expect(mine.map((s) => s.statusDuringSend)).toEqual(["sending"]);
      expect(await rowOf(id)).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    });

    it("sends nothing when the job runs again after its mail went out", async () => {
      const id = await queued("twice@example.net");
      await deliver()({ outboxId: id });
      await deliver()({ outboxId: id }); // pg-boss ran it again: the process died before the job was completed
      expect(sent.filter((s) => s.mail.to === "twice@example.net")).toHaveLength(1);
      expect(await rowOf(id)).toMatchObject({ status: "sent", attempts: 1 });
    });

    it("sends nothing for a mail that went out and then bounced", async () => {
      const id = await queued("bounced@example.net", "bounced");
      await deliver()({ outboxId: id });
      expect(sent.filter((s) => s.mail.to === "bounced@example.net")).toEqual([]);
      expect((await rowOf(id)).status).toBe("bounced");
    });

    it("sends again a mail whose earlier attempt was cut off mid-send, and says on the row it may arrive twice", async () => {
      const id = await queued("cut-off@example.net", "sending");
      await deliver()({ outboxId: id });
      const mine = sent.filter((s) => s.mail.to === "cut-off@example.net");
      expect(mine).toHaveLength(1);
      // The same Message-ID as the first attempt's, so the recipient's client can tell the copies are one mail.
      expect(mine[0]!.mail.messageId).toBe(`<${id}@embargo.test>`);
      expect(await rowOf(id)).toMatchObject({ status: "sent", attempts: 2, lastError: INTERRUPTED_SEND });
    });
  },
);
