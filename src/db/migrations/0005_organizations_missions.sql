CREATE TABLE "application" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"mission_id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"volunteer_account_id" uuid NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"waitlisted_at" timestamp with time zone,
	"promoted_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"declined_at" timestamp with time zone,
	"decline_reason" text,
	"withdrawn_at" timestamp with time zone,
	"decided_by_account_id" uuid
);
--> statement-breakpoint
CREATE TABLE "mission" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"category_id" uuid NOT NULL,
	"domain" text NOT NULL,
	"schedule" text NOT NULL,
	"recurrence_text" text DEFAULT '' NOT NULL,
	"recurrence_days" integer[] DEFAULT '{}'::int[] NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"volunteers_needed" integer NOT NULL,
	"required_skill_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"min_age" integer,
	"reduced_mobility" boolean DEFAULT false NOT NULL,
	"remote_possible" boolean DEFAULT false NOT NULL,
	"open_to_minors" boolean DEFAULT false NOT NULL,
	"remote_only" boolean DEFAULT false NOT NULL,
	"area_id" uuid NOT NULL,
	"address" text,
	"exact_lat" double precision,
	"exact_lon" double precision,
	"public_lat" double precision NOT NULL,
	"public_lon" double precision NOT NULL,
	"created_by_account_id" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"published_at" timestamp with time zone,
	"full_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mission_slot" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mission_id" uuid NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"capacity" integer NOT NULL,
	"taken" integer DEFAULT 0 NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organization" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"siren" text,
	"rna" text,
	"description" text NOT NULL,
	"domains" text[] DEFAULT '{}'::text[] NOT NULL,
	"category_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"area_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"contact_email" text,
	"contact_phone" text,
	"website" text,
	"area_id" uuid NOT NULL,
	"address" text,
	"exact_lat" double precision,
	"exact_lon" double precision,
	"public_lat" double precision NOT NULL,
	"public_lon" double precision NOT NULL,
	"show_address" boolean DEFAULT false NOT NULL,
	"created_by_account_id" uuid,
	"validated_at" timestamp with time zone,
	"validated_by_account_id" uuid,
	"rejected_at" timestamp with time zone,
	"rejection_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organization_invitation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by_account_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by_account_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_invitation_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "organization_member" (
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_member_organization_id_account_id_pk" PRIMARY KEY("organization_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "project" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"area_id" uuid,
	"link" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "skill" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"health" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_profile" (
	"territory_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"days" text[] DEFAULT '{}'::text[] NOT NULL,
	"day_parts" text[] DEFAULT '{}'::text[] NOT NULL,
	"area_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"base_area_id" uuid,
	"radius_km" integer,
	"domains" text[] DEFAULT '{}'::text[] NOT NULL,
	"remote_ok" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_profile_territory_id_account_id_pk" PRIMARY KEY("territory_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_skill" (
	"account_id" uuid NOT NULL,
	"skill_id" uuid NOT NULL,
	"declared_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verified_at" timestamp with time zone,
	"verified_by_account_id" uuid,
	"verified_by_organization_id" uuid,
	CONSTRAINT "volunteer_skill_account_id_skill_id_pk" PRIMARY KEY("account_id","skill_id")
);
--> statement-breakpoint
ALTER TABLE "application" ADD CONSTRAINT "application_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application" ADD CONSTRAINT "application_mission_id_mission_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."mission"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application" ADD CONSTRAINT "application_slot_id_mission_slot_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."mission_slot"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application" ADD CONSTRAINT "application_volunteer_account_id_account_id_fk" FOREIGN KEY ("volunteer_account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application" ADD CONSTRAINT "application_decided_by_account_id_account_id_fk" FOREIGN KEY ("decided_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mission" ADD CONSTRAINT "mission_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mission" ADD CONSTRAINT "mission_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mission" ADD CONSTRAINT "mission_category_id_category_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."category"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mission" ADD CONSTRAINT "mission_area_id_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mission" ADD CONSTRAINT "mission_created_by_account_id_account_id_fk" FOREIGN KEY ("created_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mission_slot" ADD CONSTRAINT "mission_slot_mission_id_mission_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."mission"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_area_id_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_created_by_account_id_account_id_fk" FOREIGN KEY ("created_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_validated_by_account_id_account_id_fk" FOREIGN KEY ("validated_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_invitation" ADD CONSTRAINT "organization_invitation_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_invitation" ADD CONSTRAINT "organization_invitation_invited_by_account_id_account_id_fk" FOREIGN KEY ("invited_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_invitation" ADD CONSTRAINT "organization_invitation_accepted_by_account_id_account_id_fk" FOREIGN KEY ("accepted_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_member" ADD CONSTRAINT "organization_member_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_member" ADD CONSTRAINT "organization_member_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project" ADD CONSTRAINT "project_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project" ADD CONSTRAINT "project_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project" ADD CONSTRAINT "project_area_id_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."area"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skill" ADD CONSTRAINT "skill_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_profile" ADD CONSTRAINT "volunteer_profile_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_profile" ADD CONSTRAINT "volunteer_profile_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_profile" ADD CONSTRAINT "volunteer_profile_base_area_id_area_id_fk" FOREIGN KEY ("base_area_id") REFERENCES "public"."area"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_skill" ADD CONSTRAINT "volunteer_skill_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_skill" ADD CONSTRAINT "volunteer_skill_skill_id_skill_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skill"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_skill" ADD CONSTRAINT "volunteer_skill_verified_by_account_id_account_id_fk" FOREIGN KEY ("verified_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_skill" ADD CONSTRAINT "volunteer_skill_verified_by_organization_id_organization_id_fk" FOREIGN KEY ("verified_by_organization_id") REFERENCES "public"."organization"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "application_live_uq" ON "application" USING btree ("slot_id","volunteer_account_id") WHERE "application"."withdrawn_at" is null and "application"."declined_at" is null;--> statement-breakpoint
CREATE INDEX "application_mission_idx" ON "application" USING btree ("mission_id","created_at");--> statement-breakpoint
CREATE INDEX "application_volunteer_idx" ON "application" USING btree ("volunteer_account_id","created_at");--> statement-breakpoint
CREATE INDEX "application_waitlist_idx" ON "application" USING btree ("slot_id","waitlisted_at") WHERE "application"."waitlisted_at" is not null and "application"."withdrawn_at" is null and "application"."declined_at" is null;--> statement-breakpoint
CREATE INDEX "mission_listed_geo_idx" ON "mission" USING gist ("territory_id","domain",geo_point("public_lat", "public_lon")) WHERE "mission"."status" in ('open', 'full');--> statement-breakpoint
CREATE INDEX "mission_listed_published_idx" ON "mission" USING btree ("territory_id","published_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "mission"."status" in ('open', 'full');--> statement-breakpoint
CREATE INDEX "mission_org_idx" ON "mission" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "mission_slot_mission_idx" ON "mission_slot" USING btree ("mission_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_territory_slug_uq" ON "organization" USING btree ("territory_id","slug");--> statement-breakpoint
CREATE INDEX "organization_validated_idx" ON "organization" USING btree ("territory_id","name") WHERE "organization"."validated_at" is not null;--> statement-breakpoint
CREATE INDEX "organization_pending_idx" ON "organization" USING btree ("territory_id","created_at") WHERE "organization"."validated_at" is null and "organization"."rejected_at" is null;--> statement-breakpoint
CREATE INDEX "organization_invitation_org_idx" ON "organization_invitation" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "organization_member_account_idx" ON "organization_member" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "project_territory_idx" ON "project" USING btree ("territory_id","created_at");--> statement-breakpoint
CREATE INDEX "project_org_idx" ON "project" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "skill_territory_slug_uq" ON "skill" USING btree ("territory_id","slug");--> statement-breakpoint
-- Existing territories get the default skill list (new ones get it from the seed code:
-- DEFAULT_SKILLS in src/domain/missions.ts).
INSERT INTO "skill" ("territory_id", "slug", "name", "health", "position")
SELECT t.id, s.slug, s.name, s.health, s.position FROM "territory" t
CROSS JOIN (VALUES
  ('infirmier', 'Infirmier·e', true, 0),
  ('aide-soignant', 'Aide-soignant·e', true, 1),
  ('medecin', 'Médecin', true, 2),
  ('etudiant-sante', 'Étudiant·e en santé', true, 3),
  ('pharmacien', 'Pharmacien·ne', true, 4),
  ('permis-b', 'Permis de conduire et voiture', false, 5),
  ('cuisine', 'Cuisine', false, 6),
  ('bricolage', 'Bricolage', false, 7),
  ('informatique', 'Aide au numérique', false, 8),
  ('soutien-scolaire', 'Soutien scolaire', false, 9),
  ('langues', 'Langues étrangères', false, 10),
  ('ecoute', 'Écoute et accompagnement', false, 11)
) AS s(slug, name, health, position)
ON CONFLICT DO NOTHING;
