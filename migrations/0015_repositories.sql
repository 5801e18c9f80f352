CREATE TABLE "repositories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"upstream_url" text NOT NULL,
	"default_branch" text DEFAULT 'main' NOT NULL,
	"credential_kind" text,
	"credentials_enc" text,
	"last_fetched_at" timestamp with time zone,
	"last_fetch_error" text,
	"last_fetch_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "repositories_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "repository_id" uuid;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE set null ON UPDATE no action;