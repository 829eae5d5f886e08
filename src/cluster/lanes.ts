import type { FeedSource } from '../config.js';
import { feedsByHost } from '../jobs/collect.js';

// How a round of remote feeds is divided among instances: each host's feeds go into at most
// `perHost` lanes, and a lane is one job, whose feeds are fetched one after the other. However
// many instances take lanes, a host never has more than `perHost` requests from us at once.

export interface Lane {
  host: string;
  feeds: FeedSource[];
}

export function feedLanes(feeds: readonly FeedSource[], perHost: number): Lane[] {
  const lanes: Lane[] = [];
  for (const [host, hostFeeds] of feedsByHost(feeds)) {
    const count = Math.min(perHost, hostFeeds.length);
    const hostLanes: Lane[] = Array.from({ length: count }, () => ({ host, feeds: [] }));
    hostFeeds.forEach((feed, index) => hostLanes[index % count]?.feeds.push(feed));
    lanes.push(...hostLanes);
  }
  return lanes;
}
