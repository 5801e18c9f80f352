import { describe, expect, it } from "vitest";
import { awaitingTeamAfter, type InboxActivityFacts, inboxActivity } from "./inbox-activity.ts";

const at = (iso: string) => new Date(iso);
const RECEIVED = at("2026-03-02T09:00:00Z");

function facts(over: Partial<InboxActivityFacts> = {}): InboxActivityFacts {
  return {
    receivedAt: RECEIVED,
    lastReporterMessageAt: RECEIVED,
    awaitingTeamSince: RECEIVED,
    readAt: null,
    ...over,
  };
}

describe("inboxActivity", () => {
  describe("a disputed fix", () => {
    const answered = at("2026-03-05T08:00:00Z");
    const disputed = (over: Partial<InboxActivityFacts> = {}) =>
      inboxActivity(
        facts({ lastReporterMessageAt: answered, awaitingTeamSince: answered, fixDisputed: true, ...over }),
      );

    it("marks the report as fix disputed while the member has not read the answer", () => {
      expect(disputed()).toEqual({ unread: true, marker: "fix_disputed", waitingForTeamSince: answered });
    });

    it("keeps the marker after the member read it, and after the team answered", () => {
      expect(disputed({ readAt: at("2026-03-05T09:00:00Z") }).marker).toBe("fix_disputed");
      expect(disputed({ readAt: at("2026-03-05T09:00:00Z"), awaitingTeamSince: null }).marker).toBe(
        "fix_disputed",
      );
    });

    it("leaves a report never opened and never answered a new report", () => {
      expect(inboxActivity(facts({ fixDisputed: true })).marker).toBe("new_report");
    });

    it("marks nothing extra without a dispute, or with a value that is not true", () => {
      expect(disputed({ fixDisputed: false }).marker).toBe("new_message");
      expect(disputed({ fixDisputed: "true" as never }).marker).toBe("new_message");
      expect(disputed({ fixDisputed: undefined, readAt: answered, awaitingTeamSince: null }).marker).toBe(
        null,
      );
    });
  });

  it("marks a report the member never opened as a new report, waiting since receipt", () => {
    expect(inboxActivity(facts())).toEqual({
      unread: true,
      marker: "new_report",
      waitingForTeamSince: RECEIVED,
    });
  });

  it("reads a missing last reporter message as the report itself", () => {
    expect(inboxActivity(facts({ lastReporterMessageAt: null })).marker).toBe("new_report");
    const read = inboxActivity(facts({ lastReporterMessageAt: null, readAt: at("2026-03-02T10:00:00Z") }));
    expect(read).toMatchObject({ unread: false, marker: null });
  });

  it("shows no marker once the member opened the report and the reporter has not written since", () => {
    const read = inboxActivity(facts({ readAt: at("2026-03-02T10:00:00Z"), awaitingTeamSince: null }));
    expect(read).toEqual({ unread: false, marker: null, waitingForTeamSince: null });
  });

  it("counts a read mark at the very instant of the reporter's message as read", () => {
    const same = at("2026-03-03T12:00:00Z");
    const activity = inboxActivity(
      facts({ lastReporterMessageAt: same, readAt: same, awaitingTeamSince: same }),
    );
    expect(activity.unread).toBe(false);
    expect(activity.marker).toBe("reporter_replied");
  });

  it("makes a report unread again when the reporter writes after the member read it", () => {
    const activity = inboxActivity(
      facts({
        readAt: at("2026-03-02T10:00:00Z"),
        lastReporterMessageAt: at("2026-03-04T08:00:00Z"),
        awaitingTeamSince: at("2026-03-04T08:00:00Z"),
      }),
    );
    expect(activity).toEqual({
      unread: true,
      marker: "new_message",
      waitingForTeamSince: at("2026-03-04T08:00:00Z"),
    });
  });

  it("calls a reply the member has read, but nobody answered, a reporter reply", () => {
    const activity = inboxActivity(
      facts({
        readAt: at("2026-03-05T08:00:00Z"),
        lastReporterMessageAt: at("2026-03-04T08:00:00Z"),
        awaitingTeamSince: at("2026-03-04T08:00:00Z"),
      }),
    );
    expect(activity).toEqual({
      unread: false,
      marker: "reporter_replied",
      waitingForTeamSince: at("2026-03-04T08:00:00Z"),
    });
  });

  it("shows no marker for a reply the team has answered and the member has read", () => {
    const activity = inboxActivity(
      facts({
        readAt: at("2026-03-05T08:00:00Z"),
        lastReporterMessageAt: at("2026-03-04T08:00:00Z"),
        awaitingTeamSince: null,
      }),
    );
    expect(activity).toEqual({ unread: false, marker: null, waitingForTeamSince: null });
  });

  it("keeps a reply unread for a member who has not seen it even when a colleague answered", () => {
    const activity = inboxActivity(
      facts({
        readAt: at("2026-03-02T10:00:00Z"),
        lastReporterMessageAt: at("2026-03-04T08:00:00Z"),
        awaitingTeamSince: null,
      }),
    );
    expect(activity).toEqual({ unread: true, marker: "new_message", waitingForTeamSince: null });
  });

  it("ignores a last message dated before receipt (clock skew) and reads it as the report", () => {
    const activity = inboxActivity(facts({ lastReporterMessageAt: at("2026-03-01T00:00:00Z") }));
    expect(activity.marker).toBe("new_report");
  });

  it("refuses invalid dates with the name of the field", () => {
    expect(() => inboxActivity(facts({ receivedAt: new Date(Number.NaN) }))).toThrow(/receivedAt/);
    expect(() => inboxActivity(facts({ readAt: new Date("nope") }))).toThrow(/readAt/);
    expect(() => inboxActivity(facts({ lastReporterMessageAt: new Date(Number.NaN) }))).toThrow(
      /lastReporterMessageAt/,
    );
    expect(() => inboxActivity(facts({ awaitingTeamSince: "2026-03-02" as unknown as Date }))).toThrow(
      /awaitingTeamSince/,
    );
  });
});

describe("awaitingTeamAfter", () => {
  const now = at("2026-03-06T15:00:00Z");

  it("starts the wait at receipt", () => {
    expect(awaitingTeamAfter("received", null, RECEIVED)).toEqual(RECEIVED);
  });

  it("starts the wait at a reporter message when the team had the last word", () => {
    expect(awaitingTeamAfter("reporter_message", null, now)).toEqual(now);
  });

  it("keeps the oldest unanswered message when the reporter writes again", () => {
    expect(awaitingTeamAfter("reporter_message", RECEIVED, now)).toEqual(RECEIVED);
  });

  it("ends the wait with a reporter-visible update from the team, running or not", () => {
    expect(awaitingTeamAfter("team_update", RECEIVED, now)).toBeNull();
    expect(awaitingTeamAfter("team_update", null, now)).toBeNull();
  });

  it("returns a copy, never the caller's Date", () => {
    const result = awaitingTeamAfter("reporter_message", RECEIVED, now);
    expect(result).not.toBe(RECEIVED);
  });

  it("refuses an invalid instant or an unknown event", () => {
    expect(() => awaitingTeamAfter("received", null, new Date(Number.NaN))).toThrow(/event's time/);
    expect(() => awaitingTeamAfter("reporter_message", new Date(Number.NaN), now)).toThrow(
      /awaitingTeamSince/,
    );
    expect(() => awaitingTeamAfter("typing" as never, null, now)).toThrow(
      /Unknown conversation event: typing/,
    );
  });
});
