import type { Hono } from "hono";
import type { Clock } from "../../core/clock.ts";
import { servedOverHttps } from "../../domain/mail-delivery.ts";
import type { AppEnv } from "../../http/env.ts";
import { INTAKE_KEY_PATH, type KeysService } from "../keys/keys.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { AssetsService } from "./assets.service.ts";
import { PolicyPage } from "./policy.views.tsx";
import { buildSecurityTxt } from "./security-txt.service.ts";

const WELL_KNOWN = "/.well-known/security.txt";

/** What the public pages use. */
export interface PolicyPagesDeps {
  settings: SettingsService;
  assets: AssetsService;
  keys: KeysService;
  publicUrl: string;
  clock: Clock;
  /** The address researchers may write to for this configured one, or "" (domain/mail-delivery.ts). */
  reportingAddress: (securityEmail: string) => string;
  /** Whether mail leaves through SMTP: the policy offers lost links by email only then. */
  smtpConfigured: boolean;
}

/** The public face: the policy, security.txt (RFC 9116) and the hall of fame. */
export function registerPolicyPages(app: Hono<AppEnv>, deps: PolicyPagesDeps) {
  app.get("/", async (c) => {
    const { settings, assets, keys } = deps;
    const [org, sla, scope, intakeKeys] = await Promise.all([
      settings.org(),
      settings.sla(),
      assets.list({ activeOnly: true }),
      keys.intakeKeys(),
    ]);
    return c.html(
      <PolicyPage
        orgName={org.name}
        securityEmail={deps.reportingAddress(org.securityEmail)}
        policyMarkdown={org.policyMarkdown}
        safeHarborMarkdown={org.safeHarborMarkdown}
        assets={scope.map((a) => ({
          id: a.id,
          name: a.name,
          identifier: a.identifier,
          kind: a.kind,
          description: a.description,
          inScope: a.inScope,
        }))}
        sla={sla}
        intakeKey={{ fingerprint: intakeKeys.current.fingerprint, url: INTAKE_KEY_PATH }}
        overHttps={servedOverHttps(deps.publicUrl)}
        mailSent={deps.smtpConfigured}
      />,
    );
  });

  app.get(WELL_KNOWN, async (c) => {
    const { settings, keys } = deps;
    const org = await settings.org();
    const text = buildSecurityTxt({
      publicUrl: deps.publicUrl,
      securityEmail: deps.reportingAddress(org.securityEmail),
      preferredLanguages: org.preferredLanguages,
      encryptionUrl: `${deps.publicUrl.replace(/\/+$/, "")}${INTAKE_KEY_PATH}`,
      now: deps.clock(),
    });
    // RFC 9116 §2.3: an OpenPGP cleartext signature by the intake key, made per request like Expires.
    const body = org.signSecurityTxt === "true" ? await keys.signCleartext(text) : text;
    // Expires moves with every request, so caches may keep it for a day at most.
    return c.body(body, 200, {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "public, max-age=86400",
    });
  });

  app.get("/security.txt", (c) => c.redirect(WELL_KNOWN, 301));
}
