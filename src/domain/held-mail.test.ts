import { describe, expect, it } from "vitest";
import {
  decideHeldSend,
  HELD_MAIL_MAX_AGE_DAYS,
  type HeldMailFacts,
  hasSealedPlaceholder,
  heldMailAgeDays,
  heldMailRefusal,
  isOldHeldMail,
} from "./held-mail.ts";
import { sealedPlaceholder } from "./sealed-secrets.ts";

const NOW = new Date("2026-03-20T12:00:00Z");
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const mail = (id: string, over: Partial<HeldMailFacts> = {}): HeldMailFacts => ({
  id,
  createdAt: daysAgo(1),
  body: "Thank you for your report.",
  secretsKept: false,
  deliveryKept: true,
  ...over,
});

describe("hasSealedPlaceholder", () => {
  it("finds every kind of sealed placeholder, at any index", () => {
    expect(hasSealedPlaceholder(`Your link:\n${sealedPlaceholder(0)}`)).toBe(true);
    expect(hasSealedPlaceholder(`x ${sealedPlaceholder(11, "private invite link")} y`)).toBe(true);
  });
  it("ignores text that only looks alike", () => {
    for (const body of [
      "",
      "[private tracking link, sealed]",
      "[private tracking link one, sealed]",
      "[public tracking link 1, sealed]",
      "private tracking link 1, sealed",
      "[private tracking link 1 sealed]",
    ])
      expect(hasSealedPlaceholder(body)).toBe(false);
  });
});

describe("heldMailRefusal", () => {
  it("lets a mail without sealed links go when its delivery options were kept", () => {
    expect(heldMailRefusal(mail("a"))).toBeNull();
  });
  it("lets a mail with sealed links go while the secrets are kept", () => {
    expect(heldMailRefusal(mail("a", { body: sealedPlaceholder(0), secretsKept: true }))).toBeNull();
  });
  it("refuses a mail whose sealed link was dropped, saying so", () => {
    expect(heldMailRefusal(mail("a", { body: `Link: ${sealedPlaceholder(0)}`, secretsKept: false }))).toMatch(
      /private link was sealed and is no longer stored/,
    );
  });
  it("refuses a mail whose delivery options were never kept (it could leave unencrypted)", () => {
    expect(heldMailRefusal(mail("a", { deliveryKept: false }))).toMatch(/unencrypted/);
  });
  it("names the dropped link first when both are missing", () => {
    expect(
      heldMailRefusal(mail("a", { body: sealedPlaceholder(0), secretsKept: false, deliveryKept: false })),
    ).toMatch(/private link/);
  });
});

describe("mail age", () => {
  it("is old only past the limit", () => {
    expect(isOldHeldMail(daysAgo(HELD_MAIL_MAX_AGE_DAYS), NOW)).toBe(false);
    expect(isOldHeldMail(new Date(daysAgo(HELD_MAIL_MAX_AGE_DAYS).getTime() - 1), NOW)).toBe(true);
    expect(isOldHeldMail(daysAgo(-3), NOW)).toBe(false); // a clock that moved back
  });
  it("counts whole days, never negative", () => {
    expect(heldMailAgeDays(daysAgo(12.9), NOW)).toBe(12);
    expect(heldMailAgeDays(daysAgo(-1), NOW)).toBe(0);
  });
});

describe("decideHeldSend", () => {
  const recent = mail("recent");
  const old1 = mail("old1", { createdAt: daysAgo(9) });
  const old2 = mail("old2", { createdAt: daysAgo(30) });
  const broken = mail("broken", { createdAt: daysAgo(40), deliveryKept: false });

  it("sends everything recent in bulk without asking", () => {
    expect(decideHeldSend({ mails: [recent], now: NOW, bulk: true })).toEqual({
      kind: "send",
      ids: ["recent"],
      refused: [],
    });
  });
  it("asks before old mail goes in bulk, naming how many", () => {
    expect(decideHeldSend({ mails: [recent, old1, old2], now: NOW, bulk: true })).toEqual({
      kind: "confirm_old",
      old: 2,
      total: 3,
    });
  });
  it("asks again when the confirmed count is not the count now", () => {
    for (const confirmedOld of [1, 3, 0, null])
      expect(decideHeldSend({ mails: [recent, old1, old2], now: NOW, bulk: true, confirmedOld }).kind).toBe(
        "confirm_old",
      );
  });
  it("sends old mail in bulk when the admin confirmed exactly that many", () => {
    expect(decideHeldSend({ mails: [recent, old1, old2], now: NOW, bulk: true, confirmedOld: 2 })).toEqual({
      kind: "send",
      ids: ["recent", "old1", "old2"],
      refused: [],
    });
  });
  it("leaves old mail held when only the recent is asked for", () => {
    expect(decideHeldSend({ mails: [recent, old1], now: NOW, bulk: true, recentOnly: true })).toEqual({
      kind: "send",
      ids: ["recent"],
      refused: [],
    });
  });
  it("sends one chosen old mail without a further question", () => {
    expect(decideHeldSend({ mails: [old2], now: NOW, bulk: false })).toEqual({
      kind: "send",
      ids: ["old2"],
      refused: [],
    });
  });
  it("refuses what cannot leave as meant, and does not count it among the old", () => {
    const decision = decideHeldSend({ mails: [recent, broken], now: NOW, bulk: true });
    expect(decision).toMatchObject({ kind: "send", ids: ["recent"], refused: [{ id: "broken" }] });
  });
  it("sends nothing from an empty set", () => {
    expect(decideHeldSend({ mails: [], now: NOW, bulk: true })).toEqual({
      kind: "send",
      ids: [],
      refused: [],
    });
  });
});
