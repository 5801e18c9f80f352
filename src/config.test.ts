import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("EMBARGO_GIT_DIR", () => {
  it("defaults to git/ inside the data dir", () => {
    expect(loadConfig({ EMBARGO_DATA_DIR: "/srv/embargo" }).gitDir).toBe("/srv/embargo/git");
    expect(loadConfig({}).gitDir).toBe(path.resolve("./data/git"));
  });

  it("takes a shared volume, resolved to an absolute path; blank means the default", () => {
    expect(loadConfig({ EMBARGO_GIT_DIR: "/mnt/shared/git" }).gitDir).toBe("/mnt/shared/git");
    expect(loadConfig({ EMBARGO_GIT_DIR: "store" }).gitDir).toBe(path.resolve("store"));
    expect(loadConfig({ EMBARGO_DATA_DIR: "/d", EMBARGO_GIT_DIR: "  " }).gitDir).toBe("/d/git");
  });
});
