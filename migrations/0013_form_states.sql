CREATE TABLE "form_states" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"binding_hash" text NOT NULL,
	"path_hash" text NOT NULL,
	"sealed" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "form_states_expires_idx" ON "form_states" USING btree ("expires_at");