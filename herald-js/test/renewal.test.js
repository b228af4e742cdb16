// Token renewal against a small in-process hub: on the hub's herald-renew notice a Herald with a
// token function takes a fresh token, aborts its stream and resumes with Last-Event-ID on a new one
// before the hub would close it: every event once, in order, never two streams open at once.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, PageLocks, RENEWAL_EVENT } from '../herald.js';

class Hub {
  url = `http://hub.test/${Math.random().toString(36).slice(2)}/.well-known/mercure`;
  history = [];
  streams = [];
  mostOpen = 0;
  #encoder = new TextEncoder();

  fetch = async (url, init) => {
    const stream = { lastEventId: init.headers['Last-Event-ID'] ?? null, open: true, controller: null,
      authorization: init.headers.Authorization ?? null };
    const body = new ReadableStream({ start: (controller) => { stream.controller = controller; } });
    init.signal.addEventListener('abort', () => this.#end(stream));
    this.streams.push(stream);
    this.mostOpen = Math.max(this.mostOpen, this.open.length);
    if (stream.lastEventId !== null) {
      const at = this.history.findIndex((e) => e.id === stream.lastEventId);
      this.history.slice(at + 1).forEach((event) => this.#send(stream, event));
    }
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };

  get open() {
    return this.streams.filter((s) => s.open);
  }

  publish(data) {
    const event = { id: `urn:test:${this.history.length + 1}`, data };
    this.history.push(event);
    this.open.forEach((stream) => this.#send(stream, event));
  }

  /** The notice the hub sends ahead of a token's expiry: no id, a type of its own. */
  announceExpiry() {
    this.open.forEach((stream) => stream.controller.enqueue(
      this.#encoder.encode(`event: ${RENEWAL_EVENT}\ndata: {"closes_in_ms":1000}\n\n`)));
  }

  #send(stream, event) {
    stream.controller.enqueue(this.#encoder.encode(`id: ${event.id}\nherald-match: 0\ndata: ${event.data}\n\n`));
  }

  #end(stream) {
    if (!stream.open) return;
    stream.open = false;
    stream.controller.error(new DOMException('aborted', 'AbortError'));
  }
}

const until = async (condition, what) => {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const heralds = [];
afterEach(() => heralds.splice(0).forEach((h) => h.close()));

function subscriber(hub, token) {
  const herald = new Herald(hub.url, { fetch: hub.fetch, locks: new PageLocks(), token });
  heralds.push(herald);
  const received = [];
  herald.subscribe(['private'], (event) => received.push(event.data));
  return { herald, received };
}

test('a fresh token replaces the stream before expiry: nothing missed, nothing twice, one stream', async () => {
  const hub = new Hub();
  let issued = 0;
  const { received } = subscriber(hub, async () => `token-${++issued}`);
  await until(() => hub.open.length === 1, 'the first stream');
  for (let i = 1; i <= 5; i++) hub.publish(`e${i}`);
  await until(() => received.length === 5, 'the first events');
  hub.announceExpiry();
  for (let i = 6; i <= 10; i++) hub.publish(`e${i}`); // while the token is on its way
  await until(() => hub.streams.length === 2 && received.length === 10, 'the renewed stream');
  for (let i = 11; i <= 12; i++) hub.publish(`e${i}`);
  await until(() => received.length === 12, 'live events on the new stream');
  assert.deepEqual(received, Array.from({ length: 12 }, (_, i) => `e${i + 1}`));
  assert.equal(hub.mostOpen, 1, 'never two streams at once');
  assert.deepEqual(hub.streams.map((s) => s.authorization), ['Bearer token-1', 'Bearer token-2']);
  assert.match(hub.streams[1].lastEventId, /^urn:test:\d+$/);
});

test('a fixed token (or the same one again) waits for the hub to close instead', async () => {
  const hub = new Hub();
  const { received } = subscriber(hub, 'fixed');
  await until(() => hub.open.length === 1, 'the stream');
  hub.publish('e1');
  await until(() => received.length === 1, 'an event');
  hub.announceExpiry();
  hub.publish('e2');
  await until(() => received.length === 2, 'the next event on the same stream');
  assert.equal(hub.streams.length, 1);

  const again = new Hub();
  const same = subscriber(again, () => 'same');
  await until(() => again.open.length === 1, 'the stream');
  again.publish('x');
  await until(() => same.received.length === 1, 'an event');
  again.announceExpiry();
  again.publish('y');
  await until(() => same.received.length === 2, 'the next event');
  assert.equal(again.streams.length, 1, 'the same token is no renewal');
});

test('the notice is never handed to subscriptions', async () => {
  const hub = new Hub();
  const { received } = subscriber(hub, null);
  await until(() => hub.open.length === 1, 'the stream');
  hub.announceExpiry();
  hub.publish('after');
  await until(() => received.length === 1, 'the event after the notice');
  assert.deepEqual(received, ['after']);
});
