/**
 * Replies on Facebook: POST /{object-id}/comments with the page token (a comment under the post, or a
 * reply in the comment's thread). The page is the first part of the post id (`PAGEID_POSTID`).
 */
import { ReplyError, type SendReply } from '../types.ts';
import { GraphApiError, type GraphClient } from './graph.ts';

export function facebookReplier(graph: GraphClient, pages: { id: string; token: string }[]): SendReply {
  return async ({ inReplyTo, conversationId, text }) => {
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
