import type { Domain } from '../db/schema.ts';

/** A category as seeded for a new territory; admins can rename, merge or archive them later. */
export interface DefaultCategory {
  slug: string;
  name: string;
  guidance: string;
  domain: Domain;
}

/**
 * The default categories, from the 2020 platforms (Lozère, Lyon, Meurthe-et-Moselle,
 * Seine-Saint-Denis), each mapped to one of the State's four volunteer domains.
 */
export const DEFAULT_CATEGORIES: readonly DefaultCategory[] = [
  {
    slug: 'courses',
    name: 'Courses et produits de première nécessité',
    guidance: 'Faire les courses, aller chercher du pain ou des produits d’hygiène.',
    domain: 'aide_alimentaire_urgence',
  },
  {
    slug: 'medicaments',
    name: 'Médicaments',
    guidance: 'Aller chercher une ordonnance à la pharmacie.',
    domain: 'aide_alimentaire_urgence',
  },
  {
    slug: 'portage-de-repas',
    name: 'Portage de repas',
    guidance: 'Apporter un repas chaud à une personne qui ne peut pas cuisiner.',
    domain: 'aide_alimentaire_urgence',
  },
  {
    slug: 'garde-enfants-soignants',
    name: 'Garde d’enfants de soignants',
    guidance: 'Garder les enfants des personnels de santé pendant leur service.',
    domain: 'garde_enfants',
  },
  {
    slug: 'aide-aux-devoirs',
    name: 'Aide aux devoirs',
    guidance: 'Accompagner un enfant dans son travail scolaire, sur place ou à distance.',
    domain: 'garde_enfants',
  },
  {
    slug: 'appel-convivialite',
    name: 'Appel de convivialité et écoute',
    guidance: 'Téléphoner régulièrement à une personne seule pour prendre des nouvelles.',
    domain: 'lien_personnes_fragiles',
  },
  {
    slug: 'promenade-animaux',
    name: 'Promenade d’animaux',
    guidance: 'Sortir le chien d’une personne qui ne peut pas se déplacer.',
    domain: 'solidarite_proximite',
  },
  {
    slug: 'bricolage',
    name: 'Bricolage',
    guidance: 'Petites réparations à la maison : une ampoule, une étagère, un robinet.',
    domain: 'solidarite_proximite',
  },
  {
    slug: 'cuisine',
    name: 'Cuisine',
    guidance: 'Cuisiner ensemble ou préparer des plats pour quelqu’un.',
    domain: 'solidarite_proximite',
  },
  {
    slug: 'transport',
    name: 'Covoiturage et transport',
    guidance: 'Conduire quelqu’un à un rendez-vous médical ou au marché.',
    domain: 'solidarite_proximite',
  },
  {
    slug: 'aide-administrative',
    name: 'Aide administrative et numérique',
    guidance: 'Remplir un formulaire, utiliser un ordinateur ou un téléphone.',
    domain: 'lien_personnes_fragiles',
  },
  {
    slug: 'pret-de-materiel',
    name: 'Prêt de matériel',
    guidance: 'Prêter un outil, une poussette, un fauteuil roulant.',
    domain: 'solidarite_proximite',
  },
];
