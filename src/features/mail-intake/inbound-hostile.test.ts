import * as openpgp from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import { mailWith, mimeEntity } from "../../../test/helpers/mail.ts";
import { MAX_INBOUND_TEXT, openInboundMail } from "./inbound-open.adapter.ts";

/** Text any sender can write into a mail; a backtracking scan over it takes minutes, a linear one milliseconds. */
const MB = 1024 * 1024;
const FROM = "Mallory <mallory@attacker.test>";

const htmlMail = (html: string) =>
  Buffer.from(
    mailWith(
      { from: FROM, subject: "HTML only" },
      `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}`,
    ),
    "utf8",
  );
const plainMail = (text: string) =>
  Buffer.from(mailWith({ from: FROM, subject: "Plain" }, mimeEntity(text)), "utf8");

describe("opening mail a hostile sender wrote", { timeout: 10_000 }, () => {
  let intake: openpgp.PrivateKey;
  let sender: { privateKey: openpgp.PrivateKey; publicKey: string };
  const open = (raw: Buffer, keys: string[] = []) =>
    openInboundMail(raw, {
      decryptionKeys: [intake],
      keysFor: async () => keys.map((armored) => ({ armored, source: "reporter" as const })),
    });

  beforeAll(async () => {
    ({ privateKey: intake } = await openpgp.generateKey({
      userIDs: [{ email: "security@embargo.test" }],
      format: "object",
    }));
    const made = await openpgp.generateKey({
      userIDs: [{ email: "mallory@attacker.test" }],
      format: "object",
    });
    sender = { privateKey: made.privateKey, publicKey: made.publicKey.armor() };
  });

  // Each of these took from 19 seconds to many minutes with the regular expressions they replace, and takes
  // about a second now (mostly postal-mime reading the megabyte): ten seconds each is room enough.
  it("turns a megabyte of unclosed HTML tags into exactly that text, the whole of it kept as message.txt", async () => {
    const hostile = "<a".repeat(MB / 2);
    const mail = await open(htmlMail(`<p>Hello</p>${hostile}`));
    const whole = `Hello\n${hostile}`;
    expect(mail.text).toBe(
      `${whole.slice(0, MAX_INBOUND_TEXT)}\n[… the whole text is attached as message.txt]`,
    );
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe("message.txt");
    expect(mail.attachments[0]!.data.toString("utf8")).toBe(whole);
  });

  it("drops a megabyte of script start tags that never end, keeping the words after them", async () => {
    const mail = await open(htmlMail(`${"<script>".repeat(MB / 8)}Visible words`));
    expect(mail.text).toBe("Visible words");
    expect(mail.attachments).toEqual([]);
  });

  it("keeps a megabyte of armor header lines without end lines as plain text, finding no block in it", async () => {
    const lines = [
      "-----BEGIN PGP MESSAGE-----",
      "-----BEGIN PGP PUBLIC KEY BLOCK-----",
      "-----BEGIN PGP SIGNED MESSAGE-----",
    ].join("\n");
    const hostile = `${lines}\n`.repeat(Math.ceil(MB / lines.length));
    const mail = await open(plainMail(`Look:\n${hostile}done`));
    expect(mail.encryption).toBe("none");
    expect(mail.signature).toEqual({ status: "unsigned" });
    expect(mail.publicKeys).toEqual([]);
    const whole = `Look:\n${hostile}done`;
    expect(mail.text).toBe(
      `${whole.slice(0, MAX_INBOUND_TEXT)}\n[… the whole text is attached as message.txt]`,
    );
    expect(mail.attachments[0]!.data.toString("utf8")).toBe(whole);
  });

  const DOLLARS = "Replacement patterns: $' and $` and $& and $1 and $$ stay as written.";

  it("puts decrypted inline text in place verbatim: $ patterns in it are not expanded", async () => {
    const armored = (await openpgp.encrypt({
      message: await openpgp.createMessage({ text: DOLLARS }),
      encryptionKeys: intake.toPublic(),
    })) as string;
    const mail = await open(plainMail(`Before the block.\n${armored.trimEnd()}\nAfter the block.`));
    expect(mail.encryption).toBe("inline");
    expect(mail.text).toBe(`Before the block.\n${DOLLARS}\nAfter the block.`);
  });

  it("puts clear-signed text in place verbatim: $ patterns in it are not expanded", async () => {
    const signed = await openpgp.sign({
      message: await openpgp.createCleartextMessage({ text: DOLLARS }),
      signingKeys: sender.privateKey,
    });
    const mail = await open(plainMail(`Before the block.\n${signed.trimEnd()}\nAfter the block.`), [
      sender.publicKey,
    ]);
    expect(mail.signature.status).toBe("verified");
    expect(mail.text).toBe(`Before the block.\n${DOLLARS}\nAfter the block.`);
  });
});
