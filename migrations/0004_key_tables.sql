CREATE TABLE "intake_keys" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"public_armored" text NOT NULL,
	"private_enc" text NOT NULL,
	"user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reporter_keys" (
	"reporter_id" uuid PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"armored" text NOT NULL,
	"user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "user_keys" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"armored" text NOT NULL,
	"user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"expires_at" timestamp with time zone,
	"uploaded_at" timestamp with time zone NOT NULL,
	"uploaded_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reporter_keys" ADD CONSTRAINT "reporter_keys_reporter_id_reporters_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."reporters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_keys" ADD CONSTRAINT "user_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "intake_keys_one_current" ON "intake_keys" USING btree ((true)) WHERE "intake_keys"."retired_at" is null;--> statement-breakpoint
-- Keys kept until now as JSON in settings (pgp.member.<user id>, pgp.intake, pgp.reporter.<reporter id>) move
-- into their tables, unchanged; the settings rows go in the same migration.
INSERT INTO "user_keys" ("user_id", "fingerprint", "armored", "user_ids", "expires_at", "uploaded_at", "uploaded_by")
SELECT u."id", s."value"->>'fingerprint', s."value"->>'armored',
       ARRAY(SELECT jsonb_array_elements_text(coalesce(s."value"->'userIds', '[]'::jsonb))),
       (s."value"->>'expiresAt')::timestamptz, coalesce((s."value"->>'uploadedAt')::timestamptz, s."created_at"),
       coalesce(s."value"->>'uploadedBy', '')
FROM "settings" s JOIN "users" u ON u."id"::text = substring(s."key" from 12)
WHERE s."key" LIKE 'pgp.member.%';--> statement-breakpoint
INSERT INTO "reporter_keys" ("reporter_id", "fingerprint", "armored", "user_ids", "expires_at")
SELECT r."id", s."value"->>'fingerprint', s."value"->>'armored',
       ARRAY(SELECT jsonb_array_elements_text(coalesce(s."value"->'userIds', '[]'::jsonb))),
       (s."value"->>'expiresAt')::timestamptz
FROM "settings" s JOIN "reporters" r ON r."id"::text = substring(s."key" from 14)
WHERE s."key" LIKE 'pgp.reporter.%';--> statement-breakpoint
INSERT INTO "intake_keys" ("fingerprint", "public_armored", "private_enc", "user_ids", "source", "created_at", "retired_at")
SELECT k."key"->>'fingerprint', k."key"->>'publicArmored', k."key"->>'privateEnc',
       ARRAY(SELECT jsonb_array_elements_text(coalesce(k."key"->'userIds', '[]'::jsonb))),
       coalesce(k."key"->>'source', 'generated'), coalesce((k."key"->>'createdAt')::timestamptz, now()),
       CASE WHEN k."current" THEN NULL ELSE coalesce((k."key"->>'retiredAt')::timestamptz, now()) END
FROM "settings" s,
     LATERAL (SELECT s."value"->'current' AS "key", true AS "current"
              UNION ALL
              SELECT e, false FROM jsonb_array_elements(coalesce(s."value"->'previous', '[]'::jsonb)) e) k
WHERE s."key" = 'pgp.intake'
ON CONFLICT ("fingerprint") DO NOTHING;--> statement-breakpoint
DELETE FROM "settings" WHERE "key" LIKE 'pgp.member.%' OR "key" LIKE 'pgp.reporter.%' OR "key" = 'pgp.intake';
