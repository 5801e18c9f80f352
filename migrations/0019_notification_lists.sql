CREATE TABLE "notification_list_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"list_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"organization" text,
	"public_key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"key_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_lists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"mode" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_lists_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "notification_list_members" ADD CONSTRAINT "notification_list_members_list_id_notification_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."notification_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_list_members_list_email_idx" ON "notification_list_members" USING btree ("list_id","email");