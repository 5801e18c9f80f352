CREATE TABLE "package_verification_reports" (
	"verification_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	CONSTRAINT "package_verification_reports_verification_id_report_id_pk" PRIMARY KEY("verification_id","report_id")
);
--> statement-breakpoint
CREATE TABLE "package_verifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"repository_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"tag_sha" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"checks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"artifact_name" text,
	"artifact_url" text,
	"artifact_enc" text,
	"artifact_sha256" text,
	"error_detail" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "repositories" ADD COLUMN "release_signing_key" text;--> statement-breakpoint
ALTER TABLE "package_verification_reports" ADD CONSTRAINT "package_verification_reports_verification_id_package_verifications_id_fk" FOREIGN KEY ("verification_id") REFERENCES "public"."package_verifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_verification_reports" ADD CONSTRAINT "package_verification_reports_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_verifications" ADD CONSTRAINT "package_verifications_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_verifications" ADD CONSTRAINT "package_verifications_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "package_verification_reports_report_idx" ON "package_verification_reports" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "package_verifications_repository_idx" ON "package_verifications" USING btree ("repository_id","created_at");