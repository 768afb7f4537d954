import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { account, conversation, conversationParticipant, message, post } from '../schema.ts';

/** A fictitious number for Jeanne, shared in the demo conversation. */
const DEMO_JEANNE_PHONE = '0466000001';

/**
 * One conversation between the two demo members, so « Mes messages » shows something: Paul
 * answers one of Jeanne's posts, Jeanne replies and shares her (fictitious) number, and Paul's
 * last message is still unread for her.
 */
export async function seedDemoConversations(
  db: Executor,
  territoryId: string,
  emails: { jeanne: string; paul: string },
  now = new Date(),
): Promise<number> {
  const people = await db
    .select({ id: account.id, email: account.email })
    .from(account)
    .where(inArray(account.email, [emails.jeanne, emails.paul]));
  const jeanne = people.find((p) => p.email === emails.jeanne);
  const paul = people.find((p) => p.email === emails.paul);
  if (!jeanne || !paul) return 0;
  const [target] = await db
    .select({ id: post.id })
    .from(post)
    .where(
      and(eq(post.territoryId, territoryId), eq(post.status, 'open'), eq(post.authorAccountId, jeanne.id)),
    )
    .orderBy(desc(post.publishedAt))
    .limit(1);
  const [fallback] = target
    ? [target]
    : await db
        .select({ id: post.id })
        .from(post)
        .where(
          and(eq(post.territoryId, territoryId), eq(post.status, 'open'), ne(post.authorAccountId, paul.id)),
        )
        .orderBy(desc(post.publishedAt))
        .limit(1);
  if (!fallback) return 0;
  if (!target) await db.update(post).set({ authorAccountId: jeanne.id }).where(eq(post.id, fallback.id));
  await db.update(account).set({ phone: DEMO_JEANNE_PHONE }).where(eq(account.id, jeanne.id));

  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
  const [created] = await db
    .insert(conversation)
    .values({
      territoryId,
      subjectType: 'post',
      subjectId: fallback.id,
      openedByAccountId: paul.id,
      createdAt: at(5),
      lastMessageAt: at(1),
    })
    .returning({ id: conversation.id });
  const id = created!.id;
  await db.insert(conversationParticipant).values([
    { conversationId: id, accountId: paul.id, lastReadAt: at(1), createdAt: at(5) },
    { conversationId: id, accountId: jeanne.id, lastReadAt: at(2), phoneSharedAt: at(3), createdAt: at(5) },
  ]);
  await db.insert(message).values([
    {
      conversationId: id,
      senderAccountId: paul.id,
      body: 'Bonjour Jeanne, j’ai vu votre annonce. Je suis disponible en fin de semaine, cela vous irait ?',
      createdAt: at(5),
    },
    {
      conversationId: id,
      senderAccountId: jeanne.id,
      body: 'Bonjour Paul, merci beaucoup ! Samedi matin serait parfait. Je vous donne mon numéro pour nous organiser.',
      createdAt: at(3),
    },
    { conversationId: id, senderAccountId: jeanne.id, kind: 'share_phone', createdAt: at(3) },
    {
      conversationId: id,
      senderAccountId: paul.id,
      body: 'Très bien, je vous appelle vendredi pour confirmer l’heure. Bonne journée !',
      createdAt: at(1),
    },
  ]);
  return 1;
}
