import net from "node:net";
import { ImapFlow } from "imapflow";
import { describe, expect, it } from "vitest";
import { startDovecot } from "./dovecot.ts";

function mail(messageId: string, subject: string): string {
  return [
    "From: Reporter <reporter@example.org>",
    "To: security@example.org",
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    "Date: Mon, 02 Mar 2026 09:00:00 +0000",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Details follow.",
    "",
  ].join("\r\n");
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("startDovecot", () => {
  it("serves an INBOX that keeps messages and custom keywords, and stops for good", {
    timeout: 30_000,
  }, async () => {
    const imap = await startDovecot();
    try {
      expect(imap.url).toBe(
        `imap://${imap.user}:${encodeURIComponent(imap.password)}@127.0.0.1:${imap.port}/INBOX`,
      );
      expect(await imap.list()).toEqual([]);

      await imap.append(mail("<first@example.org>", "First"));
      await imap.append(Buffer.from(mail("<second@example.org>", "Second")), ["\\Seen", "$Triaged"]);

      const listed = await imap.list();
      expect(listed.map((m) => m.messageId)).toEqual(["<first@example.org>", "<second@example.org>"]);
      const [first, second] = listed;
      expect(first?.flags).not.toContain("$EmbargoImported");
      expect(second?.flags).toEqual(expect.arrayContaining(["\\Seen", "$Triaged"]));
      expect(second!.uid).toBeGreaterThan(first!.uid);

      // What the intake does once it has taken a message in: a separate client marks it.
      const client = new ImapFlow({
        host: "127.0.0.1",
        port: imap.port,
        secure: false,
        auth: { user: imap.user, pass: imap.password },
        logger: false,
      });
      client.on("error", () => {});
      await client.connect();
      try {
        const lock = await client.getMailboxLock("INBOX");
        try {
          expect(await client.messageFlagsAdd(first!.uid, ["$EmbargoImported"], { uid: true })).toBe(true);
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }

      const after = await imap.list();
      expect(after.find((m) => m.uid === first!.uid)?.flags).toContain("$EmbargoImported");
      expect(after.find((m) => m.uid === second!.uid)?.flags).not.toContain("$EmbargoImported");
    } finally {
      await imap.stop();
    }
    expect(await connects(imap.port)).toBe(false);
  });
});
