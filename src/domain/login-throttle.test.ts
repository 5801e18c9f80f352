import { describe, expect, it } from "vitest";
import { backoffSeconds, LOGIN_THROTTLE, loginWaitSeconds, throttledUntil } from "./login-throttle.ts";

const NOW = new Date("2026-03-02T09:00:00Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const none = { count: 0, last: null };

describe("backoffSeconds", () => {
  it("is zero up to the free failures, then doubles from the base up to the cap", () => {
    const free = LOGIN_THROTTLE.freePerAccount;
    for (let n = 0; n <= free; n++) expect(backoffSeconds(n, free)).toBe(0);
    expect(backoffSeconds(free + 1, free)).toBe(2);
    expect(backoffSeconds(free + 2, free)).toBe(4);
    expect(backoffSeconds(free + 3, free)).toBe(8);
    let previous = 0;
    for (let n = free + 1; n < free + 20; n++) {
      const wait = backoffSeconds(n, free);
      expect(wait).toBeGreaterThanOrEqual(previous);
      expect(wait).toBeLessThanOrEqual(LOGIN_THROTTLE.maxSeconds);
      previous = wait;
    }
    expect(previous).toBe(LOGIN_THROTTLE.maxSeconds);
  });

  it("stays finite and capped for hostile counts", () => {
    expect(backoffSeconds(Number.MAX_SAFE_INTEGER, 3)).toBe(LOGIN_THROTTLE.maxSeconds);
    expect(backoffSeconds(1e9, 3)).toBe(LOGIN_THROTTLE.maxSeconds);
    expect(backoffSeconds(-5, 3)).toBe(0);
    expect(backoffSeconds(Number.NaN, 3)).toBe(0);
    expect(backoffSeconds(Number.POSITIVE_INFINITY, 3)).toBe(0);
  });
});

describe("loginWaitSeconds", () => {
  it("lets a source with no failures in", () => {
    expect(loginWaitSeconds({ accountAndSource: none, source: none, now: NOW })).toBe(0);
  });

  it("lets the free failures through without a wait", () => {
    const group = { count: LOGIN_THROTTLE.freePerAccount, last: NOW };
    expect(loginWaitSeconds({ accountAndSource: group, source: group, now: NOW })).toBe(0);
  });

  it("makes a source that keeps failing on one account wait longer after each failure", () => {
    const waits = [4, 5, 6, 7, 8].map((count) =>
      loginWaitSeconds({ accountAndSource: { count, last: NOW }, source: { count, last: NOW }, now: NOW }),
    );
    expect(waits).toEqual([2, 4, 8, 16, 32]);
  });

  it("counts the wait from the latest failure and ends it once that much time has passed", () => {
    const group = (s: number) => ({ count: 6, last: ago(s) });
    expect(loginWaitSeconds({ accountAndSource: group(0), source: none, now: NOW })).toBe(8);
    expect(loginWaitSeconds({ accountAndSource: group(3), source: none, now: NOW })).toBe(5);
    expect(loginWaitSeconds({ accountAndSource: group(7.5), source: none, now: NOW })).toBe(1);
    expect(loginWaitSeconds({ accountAndSource: group(8), source: none, now: NOW })).toBe(0);
    expect(loginWaitSeconds({ accountAndSource: group(3600), source: none, now: NOW })).toBe(0);
  });

  it("slows a source spraying many accounts even when no single account reached its limit", () => {
    const source = { count: LOGIN_THROTTLE.freePerSource + 3, last: NOW };
    expect(loginWaitSeconds({ accountAndSource: { count: 1, last: NOW }, source, now: NOW })).toBe(8);
    const justFree = { count: LOGIN_THROTTLE.freePerSource, last: NOW };
    expect(loginWaitSeconds({ accountAndSource: none, source: justFree, now: NOW })).toBe(0);
  });

  it("takes the longer of the two waits", () => {
    const accountAndSource = { count: 10, last: NOW }; // 2·2^6 = 128 s
    const source = { count: LOGIN_THROTTLE.freePerSource + 1, last: NOW }; // 2 s
    expect(loginWaitSeconds({ accountAndSource, source, now: NOW })).toBe(128);
  });

  it("never waits beyond the cap however many failures there were", () => {
    const many = { count: 10_000, last: NOW };
    expect(loginWaitSeconds({ accountAndSource: many, source: many, now: NOW })).toBe(
      LOGIN_THROTTLE.maxSeconds,
    );
  });

  it("ignores a failure time in the future beyond its own delay and an invalid date", () => {
    const future = { count: 4, last: new Date(NOW.getTime() + 10_000) };
    expect(loginWaitSeconds({ accountAndSource: future, source: none, now: NOW })).toBe(12);
    const invalid = { count: 50, last: new Date("not a date") };
    expect(loginWaitSeconds({ accountAndSource: invalid, source: invalid, now: NOW })).toBe(0);
  });

  it("accepts a custom rule", () => {
    const rule = { ...LOGIN_THROTTLE, freePerAccount: 0, baseSeconds: 1, maxSeconds: 3 };
    const group = (count: number) => ({ count, last: NOW });
    expect(loginWaitSeconds({ accountAndSource: group(1), source: none, now: NOW }, rule)).toBe(1);
    expect(loginWaitSeconds({ accountAndSource: group(9), source: none, now: NOW }, rule)).toBe(3);
  });
});

describe("throttledUntil", () => {
  it("is the latest failure plus the delay, or null without a delay", () => {
    expect(throttledUntil({ count: 5, last: NOW }, 3)).toEqual(new Date(NOW.getTime() + 4000));
    expect(throttledUntil({ count: 3, last: NOW }, 3)).toBeNull();
    expect(throttledUntil({ count: 9, last: null }, 3)).toBeNull();
  });
});
