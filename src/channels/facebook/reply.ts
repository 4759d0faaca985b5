/**
 * Replies on Facebook: POST /{object-id}/comments with the page token (a comment under the post, or a
 * reply in the comment's thread). The page is the first part of the post id (`PAGEID_POSTID`).
 */
import { ReplyError, type SendReply } from '../types.ts';
import { GraphApiError, type GraphClient } from './graph.ts';
import { isFacebookId } from '../../domain/platform-ids.ts';

export function facebookReplier(graph: GraphClient, pages: { id: string; token: string }[]): SendReply {
  return async ({ inReplyTo, conversationId, text }) => {
    // A stored id goes into the Graph path with the page token: only Facebook-shaped ids are used.
    if (!isFacebookId(inReplyTo) || (conversationId !== null && !isFacebookId(conversationId))) {
      throw new ReplyError(
        `refusing to reply: ${JSON.stringify(String(inReplyTo).slice(0, 80))} is not a Facebook id`,
        false,
      );
    }
    const pageId = (conversationId ?? inReplyTo).split('_')[0];
    const page = pages.find((p) => p.id === pageId) ?? (pages.length === 1 ? pages[0] : undefined);
    if (!page) throw new ReplyError(`no page token for page ${pageId} in FACEBOOK_PAGE_TOKENS`, false);
    try {
      const { body } = await graph.post<{ id?: string }>(`${inReplyTo}/comments`, page.token, { message: text });
      if (!body.id) throw new ReplyError('Graph accepted the comment but returned no id', false);
      return { platformId: body.id };
    } catch (err) {
      if (err instanceof ReplyError) throw err;
      // A throttled call posted nothing and can be retried; anything else is for a person to look at.
      if (err instanceof GraphApiError) throw new ReplyError(err.message, err.isRateLimit);
      throw new ReplyError((err as Error).message, false);
    }
  };
}
