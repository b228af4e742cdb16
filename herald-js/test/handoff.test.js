// The state-then-stream hand-off: reading the hub position from a response's Link field (RFC 8288)
// and subscribing from it, alone and beside tabs already streaming. An in-process hub with history
// stands for Herald (exact topics, Last-Event-ID, herald-match), as in group.test.js.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, PageLocks, lastEventIdFrom, parseLinkHeader } from '../herald.js';

test('parseLinkHeader reads several links, quoted values with commas, escapes and names in any case', () => {
  const links = parseLinkHeader(
    '<https://example.com/books/1>; rel="self", <https://hub.example/.well-known/mercure>; '
    + 'REL="mercure"; title="a, b; c"; last-event-id="urn:x:\\"1\\""');
  assert.deepEqual(links, [
    { target: 'https://example.com/books/1', params: { rel: 'self' } },
    { target: 'https://hub.example/.well-known/mercure', params: { rel: 'mercure', title: 'a, b; c', 'last-event-id': 'urn:x:"1"' } },
  ]);
});

test('parseLinkHeader prefers the RFC 8187 form, decoded, and keeps the first of a repeated name', () => {
  const [link] = parseLinkHeader("</hub>; rel=mercure; rel=other; last-event-id=\"ascii\"; last-event-id*=UTF-8''%C3%A9t%C3%A9");
  assert.equal(link.params.rel, 'mercure');
  assert.equal(link.params['last-event-id'], 'été');
});

test('parseLinkHeader skips a malformed link and keeps the others', () => {
  const links = parseLinkHeader('garbage; rel=x, </ok>; rel="mercure", </broken> junk, </unclosed>; a="never');
  assert.deepEqual(links.map((l) => l.target), ['/ok']);
});

test('lastEventIdFrom reads the first rel="mercure" link with a position from a Response, Headers or a string', () => {
  const link = '</page>; rel="self"; last-event-id="not-this", <https://hub.example/.well-known/mercure>; rel="preload mercure"; last-event-id="urn:uuid:7"';
  assert.equal(lastEventIdFrom(new Response('{}', { headers: { Link: link } })), 'urn:uuid:7');
  assert.equal(lastEventIdFrom(new Headers({ link })), 'urn:uuid:7');
  assert.equal(lastEventIdFrom(link), 'urn:uuid:7');
  assert.equal(lastEventIdFrom(new Response('{}')), null);
  assert.equal(lastEventIdFrom('</hub>; rel="mercure"'), null);
});

class Hub {
  url = `http://hub.test/${Math.random().toString(36).slice(2)}/.well-known/mercure`;
  history = [];
  streams = [];
  #encoder = new TextEncoder();

  fetch = async (url, init) => {
    const topics = new URL(url).searchParams.getAll('topic');
    const stream = { topics, lastEventId: init.headers['Last-Event-ID'] ?? null, open: true, controller: null };
    const body = new ReadableStream({ start: (controller) => { stream.controller = controller; } });
    init.signal.addEventListener('abort', () => this.#end(stream));
    this.streams.push(stream);
    const headers = { 'content-type': 'text/event-stream' };
    if (stream.lastEventId !== null) {
      const at = this.history.findIndex((e) => e.id === stream.lastEventId);
      if (at < 0) headers['last-event-id'] = 'earliest';
      this.history.slice(at + 1).forEach((event) => this.#send(stream, event));
    }
    return new Response(body, { headers });
  };

  get open() {
    return this.streams.filter((s) => s.open);
  }

  /** The hub's position, as its Link would carry it. */
  get position() {
    return this.history.at(-1)?.id ?? 'earliest';
  }

  publish(topic, data) {
    const event = { id: `urn:test:${this.history.length + 1}`, topic, data };
    this.history.push(event);
    this.open.forEach((stream) => this.#send(stream, event));
  }

  #send(stream, event) {
    const matched = stream.topics.flatMap((t, i) => (t === event.topic ? [i] : []));
    if (matched.length === 0) return;
    stream.controller.enqueue(this.#encoder.encode(`id: ${event.id}\nherald-match: ${matched.join(' ')}\ndata: ${event.data}\n\n`));
  }

  #end(stream) {
    if (!stream.open) return;
    stream.open = false;
    stream.controller.close();
  }
}

const until = async (condition, what) => {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const opened = [];
afterEach(() => opened.splice(0).forEach((h) => h.close()));

function tab(hub, locks) {
  const herald = new Herald(hub.url, { fetch: hub.fetch, locks });
  opened.push(herald);
  return herald;
}

test('a page subscribes from the position its state was read at: what came after, nothing before', async () => {
  const hub = new Hub();
  hub.publish('book/1', 'v1');
  const position = lastEventIdFrom(`<${hub.url}>; rel="mercure"; last-event-id="${hub.position}"`);
  hub.publish('book/1', 'v2'); // after the state was read, before the page subscribes
  hub.publish('book/2', 'other');
  hub.publish('book/1', 'v3');
  const herald = tab(hub, new PageLocks());
  const received = [];
  herald.subscribe(['book/1'], (event) => received.push(`${event.id} ${event.data}`), { lastEventId: position });
  await until(() => received.length === 2, 'the two changes made meanwhile');
  assert.equal(hub.open[0].lastEventId, 'urn:test:1');
  hub.publish('book/1', 'v4');
  await until(() => received.length === 3, 'the live change');
  assert.deepEqual(received, ['urn:test:2 v2', 'urn:test:4 v3', 'urn:test:5 v4']);
});

test('beside a tab already streaming, a subscription from an earlier position gets its events, and the other tab nothing twice', async () => {
  const hub = new Hub();
  const locks = new PageLocks();
  const first = tab(hub, locks);
  const firstGot = [];
  first.subscribe(['shared'], (event) => firstGot.push(event.data));
  await until(() => hub.open.length === 1 && first.state === 'open', 'the first tab streaming');
  const position = hub.position;
  hub.publish('shared', 's1'); // the second page's state is read after its position, then these land
  hub.publish('book/1', 'v2');
  await until(() => firstGot.length === 1, 'the first tab hearing s1');
  const second = tab(hub, locks);
  const secondGot = [];
  second.subscribe(['book/1', 'shared'], (event) => secondGot.push(event.data), { lastEventId: position });
  await until(() => secondGot.length === 2, 'the second tab catching up');
  hub.publish('shared', 's2');
  await until(() => firstGot.length === 2 && secondGot.length === 3, 'the live event in both tabs');
  assert.deepEqual(firstGot, ['s1', 's2']);
  assert.deepEqual(secondGot, ['s1', 'v2', 's2']);
  assert.equal(hub.open.length, 1);
});

test('the leader tab itself subscribing from a position gets events its other subscription already had', async () => {
  const hub = new Hub();
  const herald = tab(hub, new PageLocks());
  const list = [];
  herald.subscribe(['shared'], (event) => list.push(event.data));
  await until(() => herald.state === 'open', 'the stream');
  const position = hub.position;
  hub.publish('shared', 's1');
  await until(() => list.length === 1, 's1 for the list');
  const detail = [];
  herald.subscribe(['shared'], (event) => detail.push(event.data), { lastEventId: position });
  await until(() => detail.length === 1, 's1 for the detail view');
  hub.publish('shared', 's2');
  await until(() => list.length === 2 && detail.length === 2, 's2 for both');
  assert.deepEqual(list, ['s1', 's2']);
  assert.deepEqual(detail, ['s1', 's2']);
});

test('two subscriptions from two positions asked at once: the first, earlier, serves both', async () => {
  const hub = new Hub();
  const first = hub.position;
  hub.publish('a', 'a1'); // after the first state was read
  const second = hub.position;
  hub.publish('b', 'b1'); // after the second
  const herald = tab(hub, new PageLocks());
  const got = [];
  herald.subscribe(['a'], (event) => got.push(event.data), { lastEventId: first });
  herald.subscribe(['b'], (event) => got.push(event.data), { lastEventId: second });
  await until(() => got.length === 2, 'a1 and b1');
  assert.deepEqual(got, ['a1', 'b1']);
  assert.equal(hub.open.length, 1);
});

test('a later subscription from a newer position is served even when the first one heard nothing yet', async () => {
  const hub = new Hub();
  hub.publish('noise', 'n1');
  const herald = tab(hub, new PageLocks());
  const quiet = [];
  herald.subscribe(['a'], (event) => quiet.push(event.data), { lastEventId: hub.position });
  await until(() => herald.state === 'open', 'the first stream');
  const position = hub.position;
  hub.publish('b', 'b1'); // the second view's state was read before this change
  const later = [];
  herald.subscribe(['b'], (event) => later.push(event.data), { lastEventId: position });
  await until(() => later.length === 1, 'b1 for the later view');
  assert.equal(hub.open.at(-1).lastEventId, position);
  hub.publish('a', 'a1');
  await until(() => quiet.length === 1, 'a1 for the first view');
  assert.deepEqual([quiet, later], [['a1'], ['b1']]);
});
