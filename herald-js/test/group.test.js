// Several Herald instances ("tabs") in one process: real BroadcastChannels, one PageLocks shared
// by them all standing for the browser's lock manager, and a small in-process hub with history that
// speaks the herald-match extension. Exact topics only: template matching is the hub's business.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, PageLocks } from '../herald.js';

class Hub {
  url = `http://hub.test/${Math.random().toString(36).slice(2)}/.well-known/mercure`;
  history = [];
  streams = [];
  /** Whether the hub speaks the herald-match extension; an older hub or another one does not. */
  extension = true;
  /** A status to refuse subscriptions with, or null. */
  refuse = null;
  #encoder = new TextEncoder();

  fetch = async (url, init) => {
    if (this.refuse !== null) return new Response(`refused\n`, { status: this.refuse });
    const topics = new URL(url).searchParams.getAll('topic');
    const stream = { topics, lastEventId: init.headers['Last-Event-ID'] ?? null, open: true, controller: null,
      authorization: init.headers.Authorization ?? null };
    const body = new ReadableStream({ start: (controller) => { stream.controller = controller; } });
    init.signal.addEventListener('abort', () => this.#end(stream, new DOMException('aborted', 'AbortError')));
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

  publish(topic, data) {
    const event = { id: `urn:test:${this.history.length + 1}`, topic, data };
    this.history.push(event);
    this.open.forEach((stream) => this.#send(stream, event));
  }

  /** The hub going away under its clients: every stream ends, history stays. */
  dropAll() {
    this.open.forEach((stream) => this.#end(stream));
  }

  #send(stream, event) {
    const matched = stream.topics.flatMap((t, i) => (t === event.topic ? [i] : []));
    if (matched.length === 0) return;
    const field = this.extension ? `herald-match: ${matched.join(' ')}\n` : '';
    const frame = `id: ${event.id}\n${field}data: ${event.data}\n\n`;
    // Split in two writes, so the client has to rejoin an event cut across chunks.
    const half = Math.floor(frame.length / 2);
    stream.controller.enqueue(this.#encoder.encode(frame.slice(0, half)));
    stream.controller.enqueue(this.#encoder.encode(frame.slice(half)));
  }

  #end(stream, error) {
    if (!stream.open) return;
    stream.open = false;
    if (error) stream.controller.error(error);
    else stream.controller.close();
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

function tabs(hub, n, locks = new PageLocks()) {
  const list = Array.from({ length: n }, (_, i) => {
    const herald = new Herald(hub.url, { fetch: hub.fetch, locks });
    const received = [];
    herald.subscribe([`t/${i}`, 'shared'], (event) => received.push(event.data));
    return { herald, received };
  });
  opened.push(...list);
  return list;
}

afterEach(() => closeAll(opened.splice(0)));

const closeAll = (list) => list.forEach((t) => t.herald.close());

test('three tabs share one stream of the union, and each gets exactly its events', async () => {
  const hub = new Hub();
  const list = tabs(hub, 3);
  await until(() => hub.open.length === 1 && hub.open[0].topics.length === 4, 'one stream of the union');
  assert.deepEqual(hub.open[0].topics, ['shared', 't/0', 't/1', 't/2']);
  hub.publish('t/0', 'a0');
  hub.publish('shared', 's1');
  hub.publish('t/2', 'a2');
  await until(() => list[2].received.length === 2, 'deliveries');
  await until(() => list[0].received.length === 2, 'deliveries');
  assert.deepEqual(list.map((t) => t.received), [['a0', 's1'], ['s1'], ['s1', 'a2']]);
  assert.equal(list.filter((t) => t.herald.isLeader).length, 1);
  assert.ok(list.every((t) => t.herald.state === 'open'));
});

test('when the leader leaves, another tab resumes from the last id: nothing lost, nothing twice', async () => {
  const hub = new Hub();
  const list = tabs(hub, 3);
  await until(() => hub.open.length === 1 && hub.open[0].topics.length === 4, 'one stream');
  for (let i = 1; i <= 5; i++) hub.publish('shared', `${i}`);
  await until(() => list.every((t) => t.received.length === 5), 'the first five');
  const leader = list.find((t) => t.herald.isLeader);
  leader.herald.close();
  for (let i = 6; i <= 10; i++) hub.publish('shared', `${i}`); // while no one holds the stream
  const others = list.filter((t) => t !== leader);
  await until(() => others.some((t) => t.herald.isLeader) && hub.open.length === 1, 'a new leader');
  for (let i = 11; i <= 15; i++) hub.publish('shared', `${i}`);
  const expected = Array.from({ length: 15 }, (_, i) => `${i + 1}`);
  await until(() => others.every((t) => t.received.length >= 15), 'all fifteen');
  others.forEach((t) => assert.deepEqual(t.received, expected));
  assert.equal(hub.open[0].lastEventId, 'urn:test:5');
});

test('a tab subscribing to more re-opens the union from the last id; the others see no gap, no duplicate', async () => {
  const hub = new Hub();
  const list = tabs(hub, 2);
  await until(() => hub.open.length === 1 && hub.open[0].topics.length === 3, 'one stream');
  hub.publish('shared', '1');
  await until(() => list.every((t) => t.received.length === 1), 'the first');
  const extra = [];
  list[1].herald.subscribe(['late'], (event) => extra.push(event.data));
  hub.publish('shared', '2'); // on the old stream or replayed by the new one
  await until(() => hub.open.length === 1 && hub.open[0].topics.includes('late'), 're-opened');
  hub.publish('late', 'x');
  hub.publish('shared', '3');
  await until(() => list.every((t) => t.received.length === 3) && extra.length === 1, 'all');
  list.forEach((t) => assert.deepEqual(t.received, ['1', '2', '3']));
  assert.deepEqual(extra, ['x']);
});

test('a dropped stream is reconnected from the last id', async () => {
  const hub = new Hub();
  const list = tabs(hub, 2);
  await until(() => hub.open.length === 1 && hub.open[0].topics.length === 3, 'one stream');
  hub.publish('shared', '1');
  await until(() => list.every((t) => t.received.length === 1), 'the first');
  hub.dropAll();
  hub.publish('shared', '2');
  await until(() => list.every((t) => t.received.length === 2), 'the replay');
  assert.equal(hub.streams.at(-1).lastEventId, 'urn:test:1');
  list.forEach((t) => assert.deepEqual(t.received, ['1', '2']));
});

test('a hub that no longer knows the last id makes every tab hear that events may be missing', async () => {
  const hub = new Hub();
  const list = tabs(hub, 2);
  const missing = list.map(() => 0);
  list.forEach((t, i) => { t.herald.onmissing = () => { missing[i]++; }; });
  await until(() => hub.open.length === 1 && hub.open[0].topics.length === 3, 'one stream');
  hub.publish('shared', '1');
  await until(() => list.every((t) => t.received.length === 1), 'the first');
  hub.history.length = 0; // pruned
  hub.dropAll();
  await until(() => missing.every((n) => n === 1), 'the signal in every tab');
});

test('a hub without the extension gives every tab every event of the union', async () => {
  const hub = new Hub();
  hub.extension = false;
  const list = tabs(hub, 2);
  await until(() => hub.open.length === 1 && hub.open[0].topics.length === 3, 'one stream');
  hub.publish('t/0', 'a0');
  await until(() => list.every((t) => t.received.length === 1), 'both');
  assert.deepEqual(list.map((t) => t.received), [['a0'], ['a0']]);
});

test('a refused subscription closes the group instead of retrying', async () => {
  const hub = new Hub();
  hub.refuse = 401;
  const list = tabs(hub, 2);
  await until(() => list.every((t) => t.herald.state === 'closed'), 'closed everywhere');
  assert.equal(hub.streams.length, 0);
});

test('tabs with different tokens never share a stream: one per token', async () => {
  const hub = new Hub();
  const locks = new PageLocks();
  const make = (token, topic) => {
    const herald = new Herald(hub.url, { fetch: hub.fetch, locks, token });
    const received = [];
    herald.subscribe([topic], (event) => received.push(event.data));
    opened.push({ herald, received });
    return received;
  };
  const alice1 = make('alice', 'a');
  const alice2 = make('alice', 'b');
  const bob = make('bob', 'a');
  await until(() => hub.open.length === 2 && hub.open.some((s) => s.topics.length === 2), 'two streams');
  assert.deepEqual(hub.open.map((s) => s.authorization).sort(), ['Bearer alice', 'Bearer bob']);
  hub.publish('a', 'for a');
  await until(() => alice1.length === 1 && bob.length === 1, 'both groups');
  assert.deepEqual(alice2, []);
});

test('without Web Locks every tab holds a connection of its own and still gets only its events', async () => {
  const hub = new Hub();
  const make = (topic) => {
    const herald = new Herald(hub.url, { fetch: hub.fetch, locks: null });
    const received = [];
    herald.subscribe([topic, 'shared'], (event) => received.push(event.data));
    opened.push({ herald, received });
    return { herald, received };
  };
  const a = make('a');
  const b = make('b');
  await until(() => hub.open.length === 2, 'two streams');
  assert.equal(a.herald.shared, false);
  assert.deepEqual(hub.open.map((s) => s.topics), [['a', 'shared'], ['b', 'shared']]);
  hub.publish('a', 'for a');
  hub.publish('shared', 'for both');
  await until(() => a.received.length === 2 && b.received.length === 1, 'deliveries');
  assert.deepEqual(b.received, ['for both']);
});
