import { subscriptionRoutes, type SubscriptionRoutesContext } from './subscription.js';
import { unsubscribeRoute } from './unsubscribe.js';
import type { RouteHandler } from './server.js';
import { UNSUBSCRIBE_PATH } from '../output/paths.js';

/** Every route of the server beside the files of output/: `zhoukan start` and `zhoukan serve` serve the same. */
export function serverRoutes(context: SubscriptionRoutesContext): Record<string, RouteHandler> {
  return { [`/${UNSUBSCRIBE_PATH}`]: unsubscribeRoute(context), ...subscriptionRoutes(context) };
}
