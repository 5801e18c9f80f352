import { describe, expect, it } from "vitest";
import { buildPgpMimeMessage, innerTextEntity, replyAddress } from "./pgp-mime.ts";

describe("replyAddress", () => {
  it.each([
    ["security@example.org", "EMB-2026-0001", "security+EMB-2026-0001@example.org"],
    ["sec+old@example.org", "EMB-2026-0002", "sec+EMB-2026-0002@example.org"],
    ["security@example.org", null, null],
    ["security@example.org", "", null],
    ["security@example.org", "EMB-1\r\nBcc: x@evil", null],
    ["security@example.org", "EMB 1", null],
    ["security@example.org", "a@b", null],
    ["no-at-sign", "EMB-2026-0001", null],
    ["@example.org", "EMB-2026-0001", null],
  ])("%s with %j gives %j", (from, reference, expected) => {
    expect(replyAddress(from, reference)).toBe(expected);
  });
});

describe("innerTextEntity", () => {
  it("is a UTF-8 text/plain entity in quoted-printable with CRLF line ends", () => {
    const entity = innerTextEntity(`Für dich\nline two = ok\r\n${"x".repeat(100)}\n`);
    expect(entity.startsWith("Content-Type: text/plain; charset=utf-8\r\n")).toBe(true);
    expect(entity).toContain("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    expect(entity).toContain("F=C3=BCr dich");
    expect(entity).toContain("line two =3D ok");
    expect(entity.split("\r\n").every((line) => line.length <= 76)).toBe(true);
    expect(entity.replace(/\r\n/g, "")).not.toContain("\n");
  });
});

describe("buildPgpMimeMessage", () => {
  it("encodes a non-ASCII subject and keeps header injection out", async () => {
    const raw = (
      await buildPgpMimeMessage(
        {
          from: "security@example.org",
          to: "r@example.net",
          subject: "[EMB-2026-0001] Über\r\nBcc: evil@example.com",
          messageId: "<1@example.org>",
          replyTo: null,
          date: new Date("2026-03-02T09:00:00Z"),
        },
        "-----BEGIN PGP MESSAGE-----\n\nabc\n-----END PGP MESSAGE-----\n",
      )
    ).toString("utf8");
    expect(raw).not.toMatch(/^Bcc:/m);
    expect(raw).not.toMatch(/^Reply-To:/m);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(raw).toContain("Date: Mon, 02 Mar 2026 09:00:00 +0000");
    expect(raw).toContain("\r\nVersion: 1\r\n");
    expect(raw).toContain("-----BEGIN PGP MESSAGE-----\r\n\r\nabc\r\n-----END PGP MESSAGE-----");
  });
});
