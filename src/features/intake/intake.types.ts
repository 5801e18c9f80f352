import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import type { RateLimits } from "../../http/rate-limit.ts";
import type { KeysService } from "../keys/keys.service.ts";
import type { AssetsService } from "../policy/assets.service.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";

/** What the public report form, its encrypted path and the JSON intake use. */
export interface IntakeDeps {
  settings: SettingsService;
  assets: AssetsService;
  keys: KeysService;
  reports: ReportsService;
  db: Db;
  /** Seals the receipt's tracking link until its one view. */
  cipher: DataCipher;
  clock: Clock;
  limits: RateLimits;
  /** Whether mail leaves through SMTP: the receipt promises to email the link only then. */
  smtpConfigured: boolean;
  /** PUBLIC_URL: the form claims TLS only when it is https. */
  publicUrl: string;
  /** The address the policy page shows for this configured one, or "" (domain/mail-delivery.ts). */
  reportingAddress: (securityEmail: string) => string;
}
