CREATE TABLE "fix_access_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fix_access_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "fix_branches" (
	"report_id" uuid NOT NULL,
	"ref" text NOT NULL,
	"head_sha" text NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "fix_branches_report_id_ref_pk" PRIMARY KEY("report_id","ref")
);
--> statement-breakpoint
CREATE TABLE "fix_repositories" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"repository_id" uuid NOT NULL,
	"branch" text NOT NULL,
	"base_ref" text NOT NULL,
	"base_sha" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fixes" ALTER COLUMN "url" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "fix_verifications" ADD COLUMN "sha" text;--> statement-breakpoint
ALTER TABLE "fixes" ADD COLUMN "kind" text DEFAULT 'link' NOT NULL;--> statement-breakpoint
ALTER TABLE "fixes" ADD COLUMN "sha" text;--> statement-breakpoint
ALTER TABLE "fixes" ADD COLUMN "branch" text;--> statement-breakpoint
ALTER TABLE "fixes" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "fixes" ADD COLUMN "git_author" text;--> statement-breakpoint
ALTER TABLE "fixes" ADD COLUMN "git_author_email" text;--> statement-breakpoint
ALTER TABLE "fixes" ADD COLUMN "files" jsonb;--> statement-breakpoint
ALTER TABLE "fix_access_tokens" ADD CONSTRAINT "fix_access_tokens_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_access_tokens" ADD CONSTRAINT "fix_access_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_branches" ADD CONSTRAINT "fix_branches_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_branches" ADD CONSTRAINT "fix_branches_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_repositories" ADD CONSTRAINT "fix_repositories_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_repositories" ADD CONSTRAINT "fix_repositories_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_repositories" ADD CONSTRAINT "fix_repositories_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fix_access_tokens_report_idx" ON "fix_access_tokens" USING btree ("report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fixes_report_sha_branch_idx" ON "fixes" USING btree ("report_id","branch","sha");