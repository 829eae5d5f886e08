import { describe, expect, it } from 'vitest';
import { feedLanes } from '../../src/cluster/lanes.js';

describe('feedLanes', () => {
  const feed = (url: string) => ({ name: url, url });

  it('gives each host (by name, whatever the port) at most `perHost` lanes, each feed to one lane, in order', () => {
    const feeds = [
      ...Array.from({ length: 5 }, (_, n) => feed(`https://a.example.org/${n}.xml`)),
      feed('https://b.example.org/only.xml'),
      feed('http://a.example.org:8080/other-port.xml'),
    ];
    const lanes = feedLanes(feeds, 2);
    expect(lanes.map((lane) => [lane.host, lane.feeds.map((f) => f.url.replace(/^.*\//u, ''))])).toEqual([
      ['a.example.org', ['0.xml', '2.xml', '4.xml']],
      ['a.example.org', ['1.xml', '3.xml', 'other-port.xml']],
      ['b.example.org', ['only.xml']],
    ]);
    expect(lanes.flatMap((lane) => lane.feeds).length).toBe(feeds.length);
  });

  it('has no lane for no feeds', () => {
    expect(feedLanes([], 2)).toEqual([]);
  });
});
