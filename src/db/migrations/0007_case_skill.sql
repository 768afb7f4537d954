-- A case may name a useful skill (« compétence utile »): volunteers who have it are suggested first.
ALTER TABLE "help_case" ADD COLUMN "skill_id" uuid;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_skill_id_skill_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skill"("id") ON DELETE set null ON UPDATE no action;