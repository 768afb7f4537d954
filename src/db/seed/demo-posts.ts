import { and, eq } from 'drizzle-orm';
import { publicPoint } from '../../domain/place-privacy.ts';
import { POST_DURATION, postStatus } from '../../domain/posts.ts';
import type { Executor } from '../client.ts';
import { account, area, category, membership, post, type PostKind } from '../schema.ts';

// Demo posts: a few hundred French posts over the Lozère communes, written as people there would
// write them, so that the demo looks alive. Everything is drawn from a seeded generator: the same
// seed gives the same posts (only the dates move with `now`).

/** A small, fast, seeded PRNG (mulberry32): the demo must be the same at every seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;

/** Words that fill the `{slot}`s of the sentences below. */
const SLOTS: Record<string, readonly string[]> = {
  jour: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
  jours: [
    'le mardi et le vendredi',
    'en semaine',
    'le week-end',
    'le lundi',
    'le mercredi après-midi',
    'le jeudi matin',
    'le samedi matin',
    'tous les jours après 17 h',
  ],
  moment: ['le matin', 'l’après-midi', 'en fin de journée', 'entre midi et deux', 'en début de soirée'],
  heure: ['9 h', '10 h 30', '14 h', '16 h', '17 h 30', '18 h'],
  magasin: [
    'le supermarché',
    'l’Intermarché',
    'le Super U',
    'la supérette',
    'le marché',
    'la Biocoop',
    'le drive',
  ],
  petitescourses: [
    'du pain et du lait',
    'quelques courses de base (eau, lait, pâtes)',
    'des produits d’hygiène',
    'un pack d’eau et des conserves',
    'des couches et du lait infantile',
    'des croquettes pour le chat',
    'la commande du drive',
  ],
  raison: [
    'depuis mon opération de la hanche',
    'ma voiture est en panne pour quinze jours',
    'je n’ai plus le permis',
    'je sors de l’hôpital',
    'avec mon genou je ne peux plus porter de charges',
    'mon mari est malade et je ne peux pas le laisser seul',
    'à 87 ans je ne conduis plus l’hiver',
    'je n’ai pas de voiture',
  ],
  sante: [
    'je sors de l’hôpital',
    'je me suis cassé le poignet',
    'je suis enceinte et alitée',
    'depuis mon opération de la hanche',
    'je suis en convalescence',
    'avec mon dos bloqué',
  ],
  pourquoi: [
    'Le mien est en panne.',
    'C’est pour quelques jours seulement.',
    'Je peux venir le chercher en voiture.',
    'Je n’en ai besoin qu’une fois.',
    'C’est pour mon père qui vient vivre chez nous.',
  ],
  animal: [
    'mon chien (un labrador gentil de 8 ans)',
    'ma chienne Praline, une petite bâtarde très sage',
    'mon vieux border collie',
    'mon chien, un beagle plein d’énergie',
    'ma chienne, un berger australien',
    'mon petit yorkshire',
  ],
  absence: [
    'je suis à l’hôpital une semaine',
    'je me suis cassé la cheville',
    'je pars en cure trois semaines',
    'je suis en chimio et très fatiguée',
    'je travaille en horaires décalés ce mois-ci',
    'je dois m’absenter pour un décès dans la famille',
  ],
  matiere: ['maths', 'français', 'anglais', 'physique-chimie', 'histoire-géo', 'SVT'],
  niveau: ['primaire', 'collège', 'niveau 6e', 'niveau 4e', '3e (brevet)', 'lycée', 'seconde'],
  objet: [
    'une remorque',
    'une tondeuse',
    'un fauteuil roulant',
    'une poussette',
    'une perceuse à percussion',
    'un déambulateur',
    'une grande échelle',
    'un nettoyeur haute pression',
    'des béquilles',
    'un lit parapluie',
    'une débroussailleuse',
    'un rehausseur de toilettes',
    'une bétonnière',
    'un siège auto',
  ],
  bricole: [
    'changer une ampoule au plafond',
    'monter une étagère',
    'réparer un robinet qui fuit',
    'poser une tringle à rideaux',
    'fixer une barre d’appui dans la salle de bain',
    'réparer la clôture du jardin',
    'remplacer une serrure',
    'monter un meuble en kit',
    'déboucher une gouttière',
    'rentrer le bois pour l’hiver',
  ],
  plat: [
    'une soupe de légumes',
    'un gratin dauphinois',
    'un aligot',
    'des lasagnes',
    'une potée',
    'des quiches',
    'un pot-au-feu',
    'des plats sans sel',
  ],
  destination: [
    'l’hôpital de Mende',
    'la gare de Marvejols',
    'le cabinet de radiologie de Mende',
    'le CHU de Clermont-Ferrand',
    'la maison de santé',
    'le centre de dialyse',
    'le marché de Langogne',
    'la gare de La Bastide-Puylaurent',
    'l’ophtalmo à Saint-Chély',
  ],
  demarche: [
    'la déclaration d’impôts en ligne',
    'mon dossier de retraite',
    'le site de la CAF',
    'mon compte Ameli',
    'un dossier MDPH',
    'la prise de rendez-vous sur Doctolib',
    'une demande de carte grise',
    'la prime d’activité',
  ],
  appareil: [
    'mon nouveau téléphone',
    'la tablette que m’ont offerte mes enfants',
    'l’ordinateur',
    'WhatsApp pour voir mes petits-enfants',
    'les mails',
  ],
  ville: ['Mende', 'Marvejols', 'Saint-Chély-d’Apcher', 'Langogne', 'Florac'],
  duree: ['une heure', 'deux heures', 'une petite heure', 'une demi-journée'],
  age: ['3 ans', '5 ans', '6 et 9 ans', '18 mois', '4 ans', '7 ans'],
  metier: ['infirmière', 'aide-soignant', 'aide-soignante', 'sage-femme', 'pharmacienne', 'brancardier'],
  merci: [
    'Merci d’avance !',
    'Merci beaucoup.',
    'Merci à vous, ça m’aiderait vraiment.',
    'Je peux dédommager l’essence.',
    'Je suis joignable par message.',
    'N’hésitez pas à me contacter.',
    'Pas de souci si c’est ponctuel.',
    'Bonne journée à tous.',
    '',
    '',
  ],
};

interface Sentence {
  title: string;
  body: string;
  when?: string;
}

/**
 * Sentences per category and kind. `{slot}` is filled from SLOTS, `{commune}` with the post's
 * commune; the body gets a closing word (or none).
 */
const SENTENCES: Record<string, { offer: Sentence[]; request: Sentence[] }> = {
  courses: {
    offer: [
      {
        title: 'Je peux faire vos courses à {commune} le {jour}',
        body: 'Je vais à {magasin} tous les {jour}s, je peux prendre votre liste et vous déposer les sacs en rentrant.',
        when: 'Le {jour} {moment}',
      },
      {
        title: 'Courses pour les personnes âgées du quartier',
        body: 'Retraitée, j’ai du temps {jours}. Je peux faire vos courses à {magasin} ou aller chercher {petitescourses}.',
        when: '{jours}',
      },
      {
        title: 'Je passe au drive, je prends vos commandes',
        body: 'Je récupère ma commande au drive {jours} vers {heure}. Si vous avez commandé aussi, je vous la ramène à {commune}.',
      },
      {
        title: 'Aller chercher le pain et le journal',
        body: 'Je passe tous les matins à la boulangerie. Si vous ne pouvez pas sortir, je vous dépose {petitescourses} devant la porte.',
        when: 'Tous les matins',
      },
    ],
    request: [
      {
        title: 'Besoin d’aide pour les courses, {raison}',
        body: 'Bonjour, {raison} et je ne peux plus aller à {magasin}. Je cherche quelqu’un pour faire une liste simple une fois par semaine.',
        when: 'Une fois par semaine',
      },
      {
        title: 'Quelqu’un pour me ramener {petitescourses} ?',
        body: 'Je suis coincée à la maison cette semaine. Il me faudrait {petitescourses}, je rembourse tout à la livraison.',
        when: 'Cette semaine',
      },
      {
        title: 'Courses ponctuelles à {commune}',
        body: 'Mon père habite seul à {commune}, je suis à Montpellier. Quelqu’un pourrait-il lui faire quelques courses le {jour} ?',
        when: 'Le {jour}',
      },
    ],
  },
  medicaments: {
    offer: [
      {
        title: 'Je peux récupérer vos médicaments à la pharmacie',
        body: 'Je passe à la pharmacie de {commune} {jours}. Confiez-moi votre ordonnance, je vous rapporte vos médicaments.',
        when: '{jours}',
      },
      {
        title: 'Livraison de médicaments vers les hameaux',
        body: 'Je fais la tournée des hameaux autour de {commune} {moment}. Je peux prendre vos médicaments au passage.',
      },
      {
        title: 'Pharmacie : je m’en occupe pour vous',
        body: 'Infirmière à la retraite, je peux aller chercher vos traitements et vous expliquer la posologie si besoin.',
      },
    ],
    request: [
      {
        title: 'Cherche quelqu’un pour aller à la pharmacie',
        body: 'Mon ordonnance est prête à la pharmacie de {commune} mais {raison}. Il faudrait y passer avant {jour}.',
        when: 'Avant {jour}',
      },
      {
        title: 'Médicaments à récupérer pour ma mère',
        body: 'Ma mère a 91 ans, elle habite à {commune}. Ses médicaments sont à récupérer chaque mois et je travaille loin.',
        when: 'Une fois par mois',
      },
      {
        title: 'Urgent : traitement à aller chercher',
        body: 'Je n’ai plus de traitement à partir de {jour} et {raison}. Quelqu’un passe à la pharmacie ?',
        when: 'Avant {jour}',
      },
    ],
  },
  'portage-de-repas': {
    offer: [
      {
        title: 'Je cuisine pour deux, je peux apporter un repas',
        body: 'Je fais souvent {plat} en grande quantité. Je peux apporter un repas chaud à une personne seule de {commune} le {jour}.',
        when: 'Le {jour} midi',
      },
      {
        title: 'Portage de repas chauds le midi',
        body: 'Je travaille à la cantine, je peux déposer une barquette le midi {jours} à une personne qui ne peut pas cuisiner.',
        when: '{jours}',
      },
    ],
    request: [
      {
        title: 'Repas pour mon voisin qui sort de l’hôpital',
        body: 'Mon voisin de 84 ans rentre chez lui à {commune} et ne peut pas cuisiner pendant quelques semaines. Un repas le midi l’aiderait beaucoup.',
        when: 'Le midi, trois semaines',
      },
      {
        title: 'Cherche repas chauds quelques jours',
        body: '{sante} et je n’arrive plus à cuisiner. Si quelqu’un fait {plat} en trop, je suis preneuse !',
      },
    ],
  },
  'garde-enfants-soignants': {
    offer: [
      {
        title: 'Garde d’enfants pour les soignants',
        body: 'Assistante maternelle agréée, j’ai une place {jours}. Priorité aux parents qui travaillent à l’hôpital.',
        when: '{jours}',
      },
      {
        title: 'Étudiante, je garde vos enfants',
        body: 'Étudiante en BTS à {commune}, j’ai l’habitude des petits. Disponible {jours}, et le soir jusqu’à 22 h.',
        when: '{jours}',
      },
    ],
    request: [
      {
        title: '{metier} de nuit, cherche garde pour mon fils de {age}',
        body: 'Je suis {metier} et je travaille de nuit cette semaine. Je cherche quelqu’un de confiance pour garder mon fils de {age} le soir.',
        when: 'Le soir, de 19 h à 7 h',
      },
      {
        title: 'Garde d’enfants le {jour}, parents soignants',
        body: 'Nous sommes tous les deux soignants et la crèche est fermée le {jour}. Nos enfants ont {age}.',
        when: 'Le {jour}',
      },
    ],
  },
  'aide-aux-devoirs': {
    offer: [
      {
        title: 'Aide aux devoirs en {matiere} niveau {niveau}, en visio possible',
        body: 'Professeur retraité, j’aide volontiers en {matiere}. Chez vous à {commune} ou en visio, {jours}.',
        when: '{jours}',
      },
      {
        title: 'Soutien scolaire bénévole',
        body: 'Étudiant en licence, je propose une aide en {matiere} et en méthode de travail ({niveau}). {duree} par semaine.',
        when: '{duree} par semaine',
      },
      {
        title: 'Lecture et devoirs avec les petits',
        body: 'Ancienne institutrice, j’accompagne les enfants de primaire pour la lecture et les devoirs {moment}.',
      },
    ],
    request: [
      {
        title: 'Cherche aide en {matiere} pour ma fille ({niveau})',
        body: 'Ma fille décroche en {matiere} depuis la rentrée. Quelqu’un pourrait l’aider {duree} par semaine, même en visio ?',
        when: '{duree} par semaine',
      },
      {
        title: 'Aide aux devoirs pour mon fils, {niveau}',
        body: 'Je rentre tard du travail et mon fils a besoin d’un coup de main pour ses devoirs {jours}.',
        when: '{jours}',
      },
    ],
  },
  'appel-convivialite': {
    offer: [
      {
        title: 'Je peux appeler les personnes seules',
        body: 'J’aime discuter ! Je peux téléphoner une ou deux fois par semaine à une personne isolée pour prendre des nouvelles.',
        when: '{jours}',
      },
      {
        title: 'Un coup de fil pour rompre la solitude',
        body: 'Jeune retraitée de {commune}, je propose des appels réguliers, {moment}, pour parler de tout et de rien.',
      },
    ],
    request: [
      {
        title: 'Ma grand-mère aimerait qu’on l’appelle',
        body: 'Ma grand-mère vit seule à {commune} et s’ennuie beaucoup depuis l’hiver. Un appel de temps en temps lui ferait du bien.',
        when: '{moment}',
      },
      {
        title: 'Cherche quelqu’un pour discuter au téléphone',
        body: 'J’ai 79 ans, je ne sors plus beaucoup. J’aimerais parler un peu {moment}, de jardinage ou de foot.',
        when: '{moment}',
      },
    ],
  },
  'promenade-animaux': {
    offer: [
      {
        title: 'Je promène vos chiens à {commune}',
        body: 'Je marche tous les jours {moment} sur les chemins autour de {commune}. Votre chien peut venir avec le mien !',
        when: 'Tous les jours {moment}',
      },
      {
        title: 'Garde et promenade d’animaux',
        body: 'J’ai un grand jardin clos, je peux garder un chien ou nourrir vos chats pendant votre absence.',
      },
    ],
    request: [
      {
        title: 'Cherche quelqu’un pour promener mon chien, {absence}',
        body: '{absence} et je cherche quelqu’un pour sortir {animal} deux fois par jour. Il connaît le tour du quartier.',
        when: 'Matin et soir',
      },
      {
        title: 'Promenade de chien le {jour}',
        body: 'Je travaille tard le {jour}. Il faudrait sortir {animal} vers {heure}, une demi-heure suffit.',
        when: 'Le {jour} vers {heure}',
      },
    ],
  },
  bricolage: {
    offer: [
      {
        title: 'Petits travaux de bricolage',
        body: 'Bricoleur retraité, je peux {bricole} ou faire d’autres petites réparations chez vous. J’ai mes outils.',
        when: '{jours}',
      },
      {
        title: 'Je donne un coup de main pour {bricole}',
        body: 'J’ai un peu de temps {jours}. Pour {bricole}, un meuble à monter ou une petite réparation, demandez !',
      },
    ],
    request: [
      {
        title: 'Besoin d’aide pour {bricole}',
        body: 'Je vis seule et je ne sais pas comment {bricole}. Je fournis le matériel, il me manque les bras.',
      },
      {
        title: 'Cherche bricoleur pour {bricole}',
        body: '{sante}, je n’arrive plus à {bricole}. Cela doit prendre {duree}.',
        when: 'Quand vous voulez',
      },
    ],
  },
  cuisine: {
    offer: [
      {
        title: 'Atelier cuisine à la maison',
        body: 'J’adore cuisiner. Je vous propose de préparer ensemble {plat} et de partager le repas, à {commune}.',
        when: 'Le {jour} {moment}',
      },
      {
        title: 'Je prépare des plats pour les personnes seules',
        body: 'Je cuisine {plat} pour plusieurs jours. Je peux en préparer une part en plus pour quelqu’un.',
      },
    ],
    request: [
      {
        title: 'Apprendre à cuisiner des plats simples',
        body: 'Veuf depuis peu, je ne sais pas faire grand-chose en cuisine. Quelqu’un pour m’apprendre {plat} ?',
        when: '{jours}',
      },
      {
        title: 'Cherche aide pour préparer un repas de famille',
        body: 'Nous recevons la famille le {jour} et {sante}. Un coup de main pour cuisiner serait le bienvenu.',
        when: 'Le {jour}',
      },
    ],
  },
  transport: {
    offer: [
      {
        title: 'Covoiturage {commune} – {ville} en semaine',
        body: 'Je fais le trajet tous les jours, départ vers {heure}. Je peux emmener quelqu’un à un rendez-vous ou au marché.',
        when: 'En semaine, départ {heure}',
      },
      {
        title: 'Je peux conduire à un rendez-vous médical',
        body: 'J’ai une voiture et du temps {jours}. Je peux vous conduire à {destination} et attendre la fin du rendez-vous.',
        when: '{jours}',
      },
      {
        title: 'Trajets vers {destination}',
        body: 'Je descends régulièrement vers {destination} {moment}. Deux places libres, on s’arrange pour l’essence.',
      },
    ],
    request: [
      {
        title: 'Besoin d’un chauffeur pour aller à {destination}',
        body: 'J’ai un rendez-vous à {destination} le {jour} à {heure} et {raison}. Quelqu’un pourrait m’y conduire ?',
        when: 'Le {jour} à {heure}',
      },
      {
        title: 'Cherche covoiturage pour {destination}',
        body: 'Je dois me rendre à {destination} le {jour}. Je participe aux frais, bien sûr.',
        when: 'Le {jour}',
      },
    ],
  },
  'aide-administrative': {
    offer: [
      {
        title: 'Aide pour vos démarches en ligne',
        body: 'Secrétaire à la retraite, je peux vous aider pour {demarche} ou tout autre papier. Chez vous ou à la médiathèque de {commune}.',
        when: '{jours}',
      },
      {
        title: 'Je vous explique {appareil}',
        body: 'Patient et pédagogue, je peux vous montrer comment utiliser {appareil} pas à pas, {moment}.',
      },
    ],
    request: [
      {
        title: 'Besoin d’aide pour {demarche}',
        body: 'Je n’y comprends rien à {demarche} et je n’ai pas d’ordinateur. Quelqu’un de patient pourrait m’aider ?',
      },
      {
        title: 'Cherche quelqu’un pour m’expliquer {appareil}',
        body: 'J’ai 82 ans et je voudrais apprendre à me servir de {appareil}. Je suis à {commune}.',
        when: '{moment}',
      },
    ],
  },
  'pret-de-materiel': {
    offer: [
      {
        title: 'Prête {objet} à {commune}',
        body: 'Je prête {objet} pour quelques jours, à venir chercher chez moi à {commune}. En bon état.',
      },
      {
        title: 'Je prête {objet}',
        body: 'J’ai {objet} qui ne sert plus. Je peux le prêter à qui en a besoin, même pour longtemps.',
      },
    ],
    request: [
      {
        title: 'Cherche {objet} à emprunter',
        body: 'Quelqu’un pourrait me prêter {objet} pour une semaine ? {pourquoi} Je le rends propre et en bon état.',
        when: 'Une semaine',
      },
      {
        title: 'Besoin de {objet} pour quelques jours',
        body: 'J’aurais besoin de {objet} du {jour} au dimanche. Je peux venir le chercher.',
        when: 'Du {jour} au dimanche',
      },
    ],
  },
};

/** The categories the sentences cover (the default ones). */
export const DEMO_POST_CATEGORY_SLUGS = Object.keys(SENTENCES);

function fill(rng: Rng, text: string, commune: string, memo: Map<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'commune') return commune;
    // « Covoiturage Mende – Mende »: a town other than the post's own.
    if (key === 'ville')
      return pick(
        rng,
        SLOTS.ville!.filter((v) => v.replace('’', "'") !== commune),
      );
    // A slot keeps its value within one post: the title and the body agree.
    let v = memo.get(key);
    if (v === undefined) {
      v = pick(rng, SLOTS[key] ?? ['']);
      memo.set(key, v);
    }
    return v;
  });
}

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('fr') + s.slice(1);

/** French after the slots are filled: « à Le Malzieu » → « au Malzieu », a capital after a full stop. */
const tidy = (s: string) =>
  capitalise(
    s
      .replace(/(^|\s)à Le /g, '$1au ')
      .replace(/(^|\s)à Les /g, '$1aux ')
      .replace(/(^|\s)à le /g, '$1au ')
      .replace(/(^|\s)à les /g, '$1aux ')
      .replace(/(^|\s)de Le /g, '$1du ')
      .replace(/(^|\s)de Les /g, '$1des ')
      .replace(/([.?!] )(\p{Ll})/gu, (_, stop: string, c: string) => stop + c.toLocaleUpperCase('fr')),
  );

/**
 * A post's texts for a category and kind, in the commune `commune`: a title, a description and
 * a « quand ». Exported so the benchmark generator writes the same vocabulary.
 */
export function composeDemoPost(
  rng: Rng,
  categorySlug: string,
  kind: PostKind,
  commune: string,
): { title: string; description: string; whenText: string } {
  const sentences = SENTENCES[categorySlug] ?? SENTENCES.courses!;
  const s = pick(rng, sentences[kind]);
  const memo = new Map<string, string>();
  const title = tidy(fill(rng, s.title, commune, memo));
  const closing = pick(rng, SLOTS.merci!);
  const description = tidy(fill(rng, s.body, commune, memo) + (closing ? ` ${closing}` : ''));
  const whenText = s.when && chance(rng, 0.8) ? tidy(fill(rng, s.when, commune, memo)) : '';
  return { title: title.slice(0, 120), description, whenText };
}

/** Fictitious demo members who write the posts (besides the demo accounts). */
const EXTRA_MEMBERS = [
  'Élodie B.',
  'Mathieu C.',
  'Françoise R.',
  'Jean-Pierre V.',
  'Nadia K.',
  'Thomas G.',
  'Marie-Claude P.',
  'Lucas D.',
  'Josiane T.',
  'Karim H.',
  'Amandine F.',
  'Bernard L.',
  'Chloé S.',
  'René A.',
  'Sylvie N.',
  'Hugo M.',
  'Odile J.',
  'Yannick E.',
  'Léa C.',
  'Gérard B.',
  'Manon V.',
  'Pascale D.',
];

const STREETS = [
  'rue du Pont',
  'rue de la République',
  'avenue du Gévaudan',
  'chemin des Écoliers',
  'place du Foirail',
  'rue des Tanneurs',
  'route de Florac',
  'impasse des Lilas',
  'rue du Four',
  'Grand-Rue',
  'chemin de la Croix',
  'rue de l’Église',
  'allée des Tilleuls',
  'rue du Lot',
];

const emailOf = (displayName: string) =>
  displayName
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.|\.$/g, '') + '@demo.main-forte.fr';

const DAY = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export interface DemoPostsOptions {
  /** The password hash the extra demo members get (the demo password's, already computed). */
  passwordHash: string;
  count?: number;
  seed?: number;
  now?: Date;
}

/**
 * Inserts the demo posts of a territory (≈300 by default) and the ~20 fictitious members who
 * write them with the demo accounts. A fixed number of queries whatever the count: members,
 * memberships, then the posts in multi-row inserts of 500.
 */
export async function seedDemoPosts(
  db: Executor,
  territoryId: string,
  opts: DemoPostsOptions,
): Promise<{ posts: number; members: number }> {
  const rng = seededRandom(opts.seed ?? 48);
  const now = opts.now ?? new Date();
  const count = opts.count ?? 300;

  const areas = await db
    .select({
      id: area.id,
      name: area.name,
      population: area.population,
      centroidLat: area.centroidLat,
      centroidLon: area.centroidLon,
    })
    .from(area)
    .where(and(eq(area.territoryId, territoryId), eq(area.kind, 'commune')))
    .orderBy(area.code);
  const categories = await db
    .select({ id: category.id, slug: category.slug })
    .from(category)
    .where(eq(category.territoryId, territoryId))
    .orderBy(category.position);
  if (areas.length === 0 || categories.length === 0) return { posts: 0, members: 0 };

  // Communes by population: the towns get most posts, a village a few (or none).
  const weights = areas.map((a) => Math.max(a.population ?? 100, 50));
  const total = weights.reduce((s, w) => s + w, 0);
  const pickArea = () => {
    let r = rng() * total;
    for (let i = 0; i < areas.length; i++) if ((r -= weights[i]!) < 0) return areas[i]!;
    return areas.at(-1)!;
  };

  // The extra members, each living in a commune; then every demo member of the territory.
  const extras = EXTRA_MEMBERS.map((displayName) => ({ displayName, home: pickArea() }));
  const inserted = await db
    .insert(account)
    .values(
      extras.map((m) => ({
        email: emailOf(m.displayName),
        passwordHash: opts.passwordHash,
        displayName: m.displayName,
        isDemo: true,
        emailVerifiedAt: new Date(now.getTime() - 60 * DAY),
        createdAt: new Date(now.getTime() - 60 * DAY),
      })),
    )
    .onConflictDoNothing()
    .returning({ id: account.id, email: account.email });
  const homeByEmail = new Map(extras.map((m) => [emailOf(m.displayName), m.home.id]));
  if (inserted.length > 0)
    await db
      .insert(membership)
      .values(
        inserted.map((a) => ({
          territoryId,
          accountId: a.id,
          roles: ['member' as const],
          homeAreaId: homeByEmail.get(a.email) ?? null,
        })),
      )
      .onConflictDoNothing();
  const authors = await db
    .select({ id: account.id, homeAreaId: membership.homeAreaId, roles: membership.roles })
    .from(membership)
    .innerJoin(account, eq(account.id, membership.accountId))
    .where(and(eq(membership.territoryId, territoryId), eq(account.isDemo, true)))
    .orderBy(account.email)
    // Staff accounts (admin, moderation, helpline) do not post as inhabitants.
    .then((rows) => rows.filter((a) => a.roles.every((r) => r === 'member')));
  if (authors.length === 0) return { posts: 0, members: 0 };

  const bySlug = new Map(categories.map((c) => [c.slug, c.id]));
  const slugs = categories.map((c) => c.slug);
  const rows: Array<typeof post.$inferInsert> = [];
  for (let i = 0; i < count; i++) {
    // Every category and both kinds appear: the first posts walk through them in turn.
    const slug = i < slugs.length * 2 ? slugs[i % slugs.length]! : pick(rng, slugs);
    const kind: PostKind =
      i < slugs.length * 2
        ? i < slugs.length
          ? 'offer'
          : 'request'
        : chance(rng, 0.5)
          ? 'offer'
          : 'request';
    const where = pickArea();
    const locals = authors.filter((a) => a.homeAreaId === where.id);
    const author = locals.length > 0 && chance(rng, 0.7) ? pick(rng, locals) : pick(rng, authors);
    const text = composeDemoPost(rng, slug, kind, where.name);

    // Half the posts give an address: a private point within ~1.5 km of the commune's centre.
    let exact: { lat: number; lon: number } | null = null;
    let address: string | null = null;
    if (chance(rng, 0.5)) {
      const d = 1500 * Math.sqrt(rng());
      const angle = rng() * 2 * Math.PI;
      exact = {
        lat: round6(where.centroidLat + (d * Math.cos(angle)) / 111_320),
        lon: round6(
          where.centroidLon +
            (d * Math.sin(angle)) / (111_320 * Math.cos((where.centroidLat * Math.PI) / 180)),
        ),
      };
      address = `${1 + Math.floor(rng() * 40)} ${pick(rng, STREETS)}`;
    }
    const precision = exact ? 'address' : 'commune';
    const shown = publicPoint(exact, where, precision);

    // Lifecycle: published within the last 45 days; ~10 % fulfilled, ~10 % expired, a few withdrawn.
    const r = rng();
    const fate = r < 0.1 ? 'fulfilled' : r < 0.2 ? 'expired' : r < 0.24 ? 'withdrawn' : 'open';
    const ageDays = fate === 'expired' ? 31 + rng() * 14 : rng() * 45;
    const publishedAt = new Date(now.getTime() - ageDays * DAY);
    let expiresAt = new Date(publishedAt.getTime() + POST_DURATION.days * DAY);
    let fulfilledAt: Date | null = null;
    let withdrawnAt: Date | null = null;
    let expiryRemindedAt: Date | null = null;
    let updatedAt = publishedAt;
    const within = (from: Date, to: Date) =>
      new Date(from.getTime() + rng() * (to.getTime() - from.getTime()));
    const until = new Date(Math.min(now.getTime(), expiresAt.getTime()));
    if (fate === 'fulfilled')
      updatedAt = fulfilledAt = within(new Date(publishedAt.getTime() + 3_600_000), until);
    else if (fate === 'withdrawn')
      updatedAt = withdrawnAt = within(new Date(publishedAt.getTime() + 3_600_000), until);
    else if (fate === 'expired')
      expiryRemindedAt = new Date(expiresAt.getTime() - POST_DURATION.reminderDaysBefore * DAY);
    else if (expiresAt.getTime() <= now.getTime() + 3_600_000) {
      // An open post older than 30 days was renewed by its author after the reminder.
      const renewedAt = within(
        new Date(expiresAt.getTime() - 3 * DAY),
        new Date(Math.min(expiresAt.getTime(), now.getTime())),
      );
      expiresAt = new Date(renewedAt.getTime() + POST_DURATION.days * DAY);
      updatedAt = renewedAt;
    }
    const status = postStatus({ expiresAt, fulfilledAt, withdrawnAt, hiddenAt: null }, now);

    // Some posts say when: a range of dates around publication.
    let startsOn: string | null = null;
    let endsOn: string | null = null;
    if (chance(rng, 0.15)) {
      const start = new Date(publishedAt.getTime() + Math.floor(rng() * 4) * DAY);
      startsOn = isoDate(start);
      endsOn = isoDate(new Date(start.getTime() + (1 + Math.floor(rng() * 14)) * DAY));
    }

    rows.push({
      territoryId,
      kind,
      categoryId: bySlug.get(slug)!,
      title: text.title,
      description: text.description,
      whenText: text.whenText,
      startsOn,
      endsOn,
      areaId: where.id,
      address,
      exactLat: exact?.lat ?? null,
      exactLon: exact?.lon ?? null,
      placePrecision: precision,
      publicLat: shown.lat,
      publicLon: shown.lon,
      authorAccountId: author.id,
      createdByAccountId: author.id,
      showPhone: chance(rng, 0.2),
      showEmail: chance(rng, 0.4),
      status,
      publishedAt,
      expiresAt,
      fulfilledAt,
      withdrawnAt,
      expiryRemindedAt,
      updatedAt,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(post).values(rows.slice(i, i + 500));
  return { posts: rows.length, members: inserted.length };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
