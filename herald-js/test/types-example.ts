// A typed page using herald.js as its declarations describe it: `tsc --noEmit` must accept it.
import {
  Herald, MATCH_FIELD, MATCH_PARAM, PageLocks, RecentIds, Router, SseParser, backoffDelay,
  lastEventIdFrom, matchedSelectors, parseLinkHeader,
  type HeraldEvent, type HeraldState, type Link, type SseEvent,
} from '../herald.js';

interface Book { id: number; title: string; version: number }

async function showBook(render: (book: Book) => void): Promise<() => void> {
  const response = await fetch('/books/1');
  let book: Book = await response.json();
  render(book);
  const position: string | null = lastEventIdFrom(response);
  const hub = new Herald('https://hub.example/.well-known/mercure', { token: 'jwt', withCredentials: false });
  hub.onstatechange = (state: HeraldState) => console.log(state);
  hub.onmissing = () => location.reload();
  hub.onleaderchange = (leading: boolean) => console.log(leading);
  const subscription = hub.subscribe(['https://example.com/books/1'], (event: HeraldEvent) => {
    const changed: Book = JSON.parse(event.data);
    if (changed.version <= book.version) return; // already in the state the page loaded
    book = changed;
    render(book);
  }, { lastEventId: position });
  const shared: boolean = hub.shared && hub.isLeader;
  const last: string | null = hub.lastEventId;
  console.log(shared, last, hub.state);
  return () => { subscription.close(); hub.close(); };
}

const links: Link[] = parseLinkHeader('</hub>; rel="mercure"; last-event-id="urn:1"');
const target: string = links[0].target;
const fromHeaders: string | null = lastEventIdFrom(new Headers({ link: '</hub>; rel=mercure' }));
const fromText: string | null = lastEventIdFrom('</hub>; rel=mercure; last-event-id=x');

const parser = new SseParser((event: SseEvent) => console.log(event.id, event.type, event.data, event.fields[MATCH_FIELD]),
  { fields: [MATCH_FIELD] });
parser.feed('data: x\n\n');
parser.end();
const retry: number | null = parser.retry;

const router = new Router<number>();
router.set(1, ['a', 'b']);
const keys: number[] = router.route(matchedSelectors({ [MATCH_FIELD]: ['0'] }, router.union()));
const fresh: boolean = new RecentIds(100).add('urn:1');
const delay: number = backoffDelay(3, { serverRetry: 2000, random: Math.random });
const locks = new PageLocks();
const held: Promise<number> = locks.request('name', { signal: new AbortController().signal }, () => 1);
const param: 'herald-match' = MATCH_PARAM;
const tabOfOwn = new Herald(new URL('https://hub.example/.well-known/mercure'), { locks, fetch: (u, i) => fetch(u, i) });

export { showBook, target, fromHeaders, fromText, retry, keys, fresh, delay, held, param, tabOfOwn };
