CREATE TABLE "report_reads" (
	"user_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	CONSTRAINT "report_reads_user_id_report_id_pk" PRIMARY KEY("user_id","report_id")
);
--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "last_reporter_message_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "awaiting_team_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "likely_duplicate_of_id" uuid;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "likely_duplicate_score" real;--> statement-breakpoint
ALTER TABLE "report_reads" ADD CONSTRAINT "report_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_reads" ADD CONSTRAINT "report_reads_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reports_awaiting_team_idx" ON "reports" USING btree ("awaiting_team_since","seq") WHERE "reports"."awaiting_team_since" is not null;--> statement-breakpoint
UPDATE "reports" AS r SET "last_reporter_message_at" = greatest(r."received_at", (SELECT max(m."created_at") FROM "messages" m WHERE m."report_id" = r."id" AND m."author_type" = 'reporter'));--> statement-breakpoint
UPDATE "reports" AS r SET "awaiting_team_since" = CASE
  WHEN NOT EXISTS (SELECT 1 FROM "messages" t WHERE t."report_id" = r."id" AND t."visibility" = 'reporter' AND t."author_type" <> 'reporter') THEN r."received_at"
  ELSE (SELECT min(m."created_at") FROM "messages" m WHERE m."report_id" = r."id" AND m."author_type" = 'reporter'
        AND m."created_at" > (SELECT max(t."created_at") FROM "messages" t WHERE t."report_id" = r."id" AND t."visibility" = 'reporter' AND t."author_type" <> 'reporter'))
END;
