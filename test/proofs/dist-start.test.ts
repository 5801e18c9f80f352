import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../helpers/db.ts";
import { BIN, serverStorage, startServeProcess } from "../helpers/serve-process.ts";

// `npm start` runs the esbuild bundle, not the sources the other tests run. This builds it afresh into a
// directory of its own (so a stale or missing dist/ of the checkout changes nothing), with a copy of
// bin/embargo.js beside it, and starts that on each engine: the bundle must find the migrations, the static
// files and the packages it leaves outside from wherever it sits.
const root = path.resolve(import.meta.dirname, "../..");
const home = path.join(root, ".tmp", `dist-start-${randomBytes(4).toString("hex")}`);
const bin = path.join(home, "bin", "embargo.js");
const bundle = path.join(home, "dist", "main.js");

beforeAll(() => {
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.copyFileSync(BIN, bin);
  const build = spawnSync(process.execPath, [path.join(root, "scripts/build.js"), path.dirname(bundle)], {
    cwd: root,
    encoding: "utf8",
  });
  expect(build.status, build.stderr).toBe(0);
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

function openpgpVersion(): string {
  const file = path.join(root, "node_modules/openpgp/package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

describe("the built dist/", () => {
  it("leaves the libraries only some paths need to their lazy loaders", () => {
    const code = fs.readFileSync(bundle, "utf8");
    const lazy = [
      "openpgp",
      "imapflow",
      "nodemailer",
      "nodemailer/lib/mime-node/index.js",
      "postal-mime",
      "@electric-sql/pglite",
    ];
    for (const lib of lazy) {
      expect(code, lib).not.toContain(`from "${lib}";`);
      expect(code, lib).toContain(`import("${lib}")`);
    }
  });

  for (const kind of DB_KINDS) {
    it(`starts on ${kind} and serves pages, its own static files and those from node_modules`, async () => {
      const storage = await serverStorage(kind);
      try {
        const server = await startServeProcess({ bin, env: storage.env, probe: "/", timeoutMs: 100_000 });
        try {
          await server.waitForOutput("Embargo is running");
          expect(server.output()).not.toContain("running the sources");
          const home = await fetch(`${server.url}/`);
          expect(home.headers.get("content-type")).toContain("text/html");
          for (const file of [
            "css/app.css",
            "js/htmx.min.js",
            `vendor/openpgp-${openpgpVersion()}.min.mjs`,
          ]) {
            const res = await fetch(`${server.url}/static/${file}`);
            expect(res.status, file).toBe(200);
            expect((await res.arrayBuffer()).byteLength, file).toBeGreaterThan(1000);
          }
          // The first serve made the intake key with OpenPGP.js, which the bundle loads at first use.
          const key = await fetch(`${server.url}/keys/intake.asc`);
          expect(await key.text()).toContain("-----BEGIN PGP PUBLIC KEY BLOCK-----");
        } finally {
          expect(await server.stop(), server.output()).toBe(0);
        }
        // A warm start on the same data: the migrations are found current and skipped.
        const again = await startServeProcess({ bin, env: storage.env, probe: "/", timeoutMs: 100_000 });
        await again.waitForOutput("Embargo is running");
        expect(await again.stop(), again.output()).toBe(0);
      } finally {
        await storage.remove();
      }
    }, 150_000);
  }
});
