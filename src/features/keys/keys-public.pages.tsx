import type { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { INTAKE_KEY_PATH, type KeysService } from "./keys.service.ts";
import { PublicKeysPage } from "./keys.views.tsx";

const PGP_KEYS = "application/pgp-keys";

/** Public key publication: the keys page, armored keys by fingerprint, and the Web Key Directory (direct method). */
export function registerKeyPublication(
  app: Hono<AppEnv>,
  deps: { settings: SettingsService; keys: KeysService },
) {
  app.get("/keys", async (c) => {
    const [org, published] = await Promise.all([deps.settings.org(), deps.keys.published()]);
    return c.html(
      <PublicKeysPage
        orgName={org.name}
        user={c.var.user}
        intake={published.current}
        address={published.address}
        previous={published.previous}
        members={published.members}
      />,
    );
  });

  // The stable URL security.txt names in Encryption: it always serves the current intake key.
  app.get(INTAKE_KEY_PATH, async (c) => {
    const keys = await deps.keys.intakeKeys();
    return c.body(keys.current.publicArmored, 200, {
      "Content-Type": PGP_KEYS,
      "Cache-Control": "public, max-age=3600",
    });
  });

  app.get("/keys/:file", async (c) => {
    const match = /^([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})\.asc$/.exec(c.req.param("file"));
    const armored = match ? await deps.keys.armoredByFingerprint(match[1]!) : null;
    if (!armored) return c.text("No published key has this fingerprint.", 404);
    return c.body(armored, 200, { "Content-Type": PGP_KEYS, "Cache-Control": "public, max-age=3600" });
  });

  // Web Key Directory, direct method: clients fetch /.well-known/openpgpkey/hu/<hash>?l=<local part>.
  app.get("/.well-known/openpgpkey/hu/:hash", async (c) => {
    const hash = c.req.param("hash");
    const key = /^[a-z0-9]{32}$/.test(hash) ? await deps.keys.wkdKey(hash) : null;
    c.header("Access-Control-Allow-Origin", "*");
    if (!key) return c.text("No key for this address.", 404);
    return c.body(new Uint8Array(key), 200, {
      "Content-Type": "application/octet-stream",
      "Cache-Control": "public, max-age=3600",
    });
  });

  app.get("/.well-known/openpgpkey/policy", (c) =>
    c.body("", 200, { "Content-Type": "text/plain; charset=utf-8", "Access-Control-Allow-Origin": "*" }),
  );
}
