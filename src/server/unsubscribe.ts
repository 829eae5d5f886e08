import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';
import { renderSubscriptionPage } from '../output/subscription/pages.js';
import { zhUnsubscribe } from '../output/zh.js';
import { sendPage } from './respond.js';
import type { RouteHandler } from './server.js';
import type { Store } from '../store/store.js';
import type { Log } from '../util/log.js';
import { verifyRecipientToken } from '../util/token.js';

// /unsubscribe?t=TOKEN: GET shows a confirmation page (mail scanners follow links, so a GET never
// unsubscribes); POST unsubscribes, both from that page's button and as RFC 8058 one-click.

const MAX_BODY = 4096;

export function unsubscribeRoute(context: { config: Readonly<Config>; store: Store; log: Log; now?: () => Date }): RouteHandler {
  const { config, store, log } = context;
  const now = context.now ?? (() => new Date());
  return async (request, response) => {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('t') ?? '';
    const address = config.unsubscribeSecret ? verifyRecipientToken(config.unsubscribeSecret, token) : undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'POST') {
      response.writeHead(405, { Allow: 'GET, HEAD, POST' }).end();
      return;
    }
    if (!address) {
      sendPage(response, 400, renderSubscriptionPage(config.site, zhUnsubscribe.invalidTitle, [zhUnsubscribe.invalidBody]));
      return;
    }
    if (request.method === 'POST') {
      await readBody(request);
      const at = now();
      await store.digests.unsubscribe(address, 'https', at);
      const subscriber = await store.subscribers.get(address);
      if (subscriber && subscriber.state !== 'unsubscribed') await store.subscribers.put({ ...subscriber, state: 'unsubscribed', updatedAt: at });
      log.info(`unsubscribed ${address}`);
      sendPage(response, 200, renderSubscriptionPage(config.site, zhUnsubscribe.doneTitle, [zhUnsubscribe.doneBody(address)]));
      return;
    }
    const form = `<form method="post" action="?t=${encodeURIComponent(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${zhUnsubscribe.confirmButton}</button></form>`;
    sendPage(response, 200, renderSubscriptionPage(config.site, zhUnsubscribe.confirmTitle, [zhUnsubscribe.confirmBody(address)], form), { headOnly: request.method === 'HEAD' });
  };
}

/** The one-click body is tiny; anything larger is not ours to read. */
async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > MAX_BODY) break;
  }
  return body;
}
