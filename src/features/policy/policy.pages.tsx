import type { Hono } from "hono";
import { securityAddress } from "../../domain/pgp-keys.ts";
import type { AppEnv } from "../../http/types.ts";
import type { Services } from "../../services.ts";
import { INTAKE_KEY_PATH } from "../keys/keys.service.ts";
import { HallOfFamePage, PolicyPage } from "./policy.views.tsx";
import { buildSecurityTxt } from "./security-txt.ts";

const WELL_KNOWN = "/.well-known/security.txt";

/** The public face: the policy, security.txt (RFC 9116) and the hall of fame. */
/**
 * The address researchers may write to: the configured one, or, when the intake mailbox is read (IMAP_URL), the
 * security address the intake key belongs to. Without either, no address is advertised that nobody reads.
 */
function reportingAddress(services: Services, securityEmail: string): string {
  if (securityEmail.trim()) return securityEmail.trim();
  const { imapMailbox, publicUrl, mailFrom } = services.deps;
  return imapMailbox ? securityAddress("", publicUrl, mailFrom) : "";
}

export function registerPolicyPages(app: Hono<AppEnv>) {
  app.get("/", async (c) => {
    const { settings, assets, keys } = c.var.services;
    const [org, sla, scope, intakeKeys] = await Promise.all([
      settings.org(),
      settings.sla(),
      assets.list({ activeOnly: true }),
      keys.intakeKeys(),
    ]);
    return c.html(
      <PolicyPage
        orgName={org.name}
        securityEmail={reportingAddress(c.var.services, org.securityEmail)}
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
      />,
    );
  });

  app.get(WELL_KNOWN, async (c) => {
    const { settings, deps, keys } = c.var.services;
    const org = await settings.org();
    const text = buildSecurityTxt({
      publicUrl: deps.publicUrl,
      securityEmail: reportingAddress(c.var.services, org.securityEmail),
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

  app.get("/hall-of-fame", async (c) => {
    const org = await c.var.services.settings.org();
    return c.html(<HallOfFamePage orgName={org.name} />);
  });
}
