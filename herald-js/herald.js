// herald.js: one connection per browser and hub, whatever the number of tabs.
//
// Every tab of a browser profile that creates a Herald for the same hub (and token) joins one
// group. The group elects a leader with the Web Locks API; only the leader holds a connection to
// the hub, subscribed to the union of every tab's selectors, and it reads the stream with fetch
// and the SSE parser below (EventSource cannot read the extra field). It passes each event to
// every tab over a BroadcastChannel, with the selectors that matched it, so each tab hands its
// subscriptions exactly the events their own selectors match. When the leader goes, the browser
// gives the lock to another tab, which reconnects from the last event id the group saw; tabs
// drop events they already have by id, so nothing is lost and nothing arrives twice.
//
// No build step: a plain ES module, served by the hub at /herald.js. It runs in the browser's
// main thread (a tab); the classes exported beside Herald are pure and run anywhere.

/** The hub extension's query parameter: ask for the herald-match field on each event. */
export const MATCH_PARAM = 'herald-match';

/** The SSE field naming, by position in the request's topic parameters, the selectors that matched. */
export const MATCH_FIELD = 'herald-match';

/**
 * A text/event-stream parser following the WHATWG "interpret an event stream" rules: lines end
 * at CR, LF or CRLF (also when a CRLF is split between two chunks), a leading BOM is dropped,
 * comments are skipped, one space after the colon is removed, `id` containing NUL is ignored,
 * `retry` is honoured only when all digits, and an event is dispatched at a blank line only if
 * it has a data line. Unknown fields are ignored unless named in `fields`, whose values are
 * collected on the event (the SSE standard lets servers add fields standard clients ignore).
 *
 * Not shared: one parser per stream, fed in order.
 */
export class SseParser {
  #onEvent;
  #fields;
  #rest = '';
  #skipLineFeed = false;
  #started = false;
  #data = [];
  #type = '';
  #idBuffer = '';
  #extra = null;
  /** The id the client would send back as Last-Event-ID: set at every blank line, as the spec says. */
  lastEventId = '';
  /** The reconnection delay the stream asked for with `retry:`, or null. */
  retry = null;

  constructor(onEvent, { fields = [] } = {}) {
    this.#onEvent = onEvent;
    this.#fields = new Set(fields);
  }

  /** Feeds decoded text, any amount, split anywhere. */
  feed(chunk) {
    let text = chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#skipLineFeed && text.length > 0) {
      this.#skipLineFeed = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    text = this.#rest + text;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#line(text.slice(start, i));
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#skipLineFeed = true; // a CR at the end: an LF may start the next chunk
        }
      }
      start = i + 1;
    }
    this.#rest = text.slice(start);
  }

  /** The stream ended: an event not closed by a blank line is discarded, as the spec says. */
  end() {
    this.#rest = '';
    this.#data = [];
    this.#type = '';
    this.#extra = null;
  }

  #line(line) {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#type = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#idBuffer = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        if (this.#fields.has(field)) {
          this.#extra ??= {};
          (this.#extra[field] ??= []).push(value);
        }
    }
  }

  #dispatch() {
    this.lastEventId = this.#idBuffer;
    const data = this.#data;
    const type = this.#type;
    const extra = this.#extra;
    this.#data = [];
    this.#type = '';
    this.#extra = null;
    if (data.length === 0) return;
    this.#onEvent({ id: this.lastEventId, type: type || 'message', data: data.join('\n'), fields: extra ?? {} });
  }
}

/**
 * Which subscriptions want an event: each key (a tab, or a subscription within a tab) has a list
 * of selectors; the hub says which selectors matched, so routing is set membership and never
 * re-implements the hub's URI-template matching. Owned by one tab's main thread.
 */
export class Router {
  #selectorsByKey = new Map();

  set(key, selectors) {
    if (selectors.length === 0) this.#selectorsByKey.delete(key);
    else this.#selectorsByKey.set(key, [...new Set(selectors)]);
  }

  delete(key) {
    this.#selectorsByKey.delete(key);
  }

  keys() {
    return [...this.#selectorsByKey.keys()];
  }

  /** Every selector of every key, once each, sorted: the same union gives the same connection. */
  union() {
    const all = new Set();
    for (const selectors of this.#selectorsByKey.values()) selectors.forEach((s) => all.add(s));
    return [...all].sort();
  }

  /**
   * The keys one of whose selectors matched. `matched` null means the hub did not say (it lacks
   * the extension): every key gets the event, as each of them is a reason it was sent.
   */
  route(matched) {
    const out = [];
    if (matched === null) return this.keys();
    const set = new Set(matched);
    for (const [key, selectors] of this.#selectorsByKey) {
      if (selectors.some((s) => set.has(s))) out.push(key);
    }
    return out;
  }
}

/** The selectors a herald-match field names, given the topics of the request in their order. */
export function matchedSelectors(fields, requested) {
  const values = fields[MATCH_FIELD];
  if (!values) return null;
  const out = [];
  for (const value of values) {
    for (const index of value.split(' ')) {
      const selector = requested[Number(index)];
      if (index !== '' && selector !== undefined) out.push(selector);
    }
  }
  return out;
}

/** The ids seen most recently, at most `capacity`: enough to drop what a failover replays. */
export class RecentIds {
  #ids = new Set();
  #capacity;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Adds the id; false if it was already there. */
  add(id) {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.values().next().value);
    return true;
  }
}

/**
 * How long to wait before reconnection attempt `attempt` (0 for the first): exponential from
 * `base`, capped at `max`, with half of it random so that tabs of many browsers that lost the
 * same hub do not come back together; never less than the `retry:` the server asked for.
 */
export function backoffDelay(attempt, { base = 1000, max = 30_000, serverRetry = null, random = Math.random } = {}) {
  const start = serverRetry ?? base;
  const ceiling = Math.min(max, start * 2 ** Math.min(attempt, 20));
  const jittered = ceiling / 2 + (ceiling / 2) * random();
  return Math.max(serverRetry ?? 0, Math.round(jittered));
}

/**
 * Parses one `Link` field value (RFC 8288): several comma-separated links, each `<target>` with
 * `; name=value` parameters, values as tokens or quoted strings (`\` escapes), names
 * case-insensitive (returned lower-cased), the first occurrence of a name counting, and the RFC
 * 8187 form `name*=UTF-8''%…` decoded and preferred over `name`. A malformed link is skipped.
 * Returns `[{ target, params }]` in order. Pure.
 */
export function parseLinkHeader(value) {
  const links = [];
  const s = String(value ?? '');
  let at = 0;
  const space = () => { while (at < s.length && (s[at] === ' ' || s[at] === '\t')) at++; };
  const skipPast = (stop) => {
    let quoted = false;
    while (at < s.length) {
      const c = s[at++];
      if (quoted && c === '\\') at++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === stop) return;
    }
  };
  const token = () => {
    const start = at;
    while (at < s.length && !';,= \t"'.includes(s[at])) at++;
    return s.slice(start, at);
  };
  const quoted = () => {
    let out = '';
    at++;
    while (at < s.length) {
      let c = s[at++];
      if (c === '"') return out;
      if (c === '\\' && at < s.length) c = s[at++];
      out += c;
    }
    return null;
  };
  for (;;) {
    while (at < s.length && (s[at] === ' ' || s[at] === '\t' || s[at] === ',')) at++;
    if (at >= s.length) return links;
    if (s[at] !== '<') { skipPast(','); continue; }
    const close = s.indexOf('>', at);
    if (close < 0) return links;
    const target = s.slice(at + 1, close);
    at = close + 1;
    const params = {};
    const extended = {};
    let ok = true;
    for (;;) {
      space();
      if (at >= s.length || s[at] === ',') break;
      if (s[at] !== ';') { skipPast(','); ok = false; break; }
      at++;
      space();
      const name = token().toLowerCase();
      if (name === '') { skipPast(','); ok = false; break; }
      space();
      let paramValue = '';
      if (s[at] === '=') {
        at++;
        space();
        paramValue = s[at] === '"' ? quoted() : token();
        if (paramValue === null) { ok = false; break; }
      }
      if (name.endsWith('*')) {
        const decoded = extValue(paramValue);
        const plain = name.slice(0, -1);
        if (decoded !== null && !(plain in extended)) extended[plain] = decoded;
      } else if (!(name in params)) {
        params[name] = paramValue;
      }
    }
    if (ok) links.push({ target, params: { ...params, ...extended } });
  }
}

/** RFC 8187 `charset'language'pct-encoded`, UTF-8 only; null when malformed. */
function extValue(value) {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match || match[1].toUpperCase() !== 'UTF-8') return null;
  try {
    return decodeURIComponent(match[2]);
  } catch {
    return null;
  }
}

/**
 * The hub position a response hands its page: the `last-event-id` of its first `rel="mercure"`
 * `Link` (Mercure discovery), or null. Give it to `subscribe(…, { lastEventId })` so the page gets
 * every update made after its state was read. Accepts a fetch `Response`, a `Headers`, or a `Link`
 * field value. A cross-origin response shows its `Link` only if it is exposed
 * (`Access-Control-Expose-Headers: Link`).
 */
export function lastEventIdFrom(response) {
  const value = typeof response === 'string' ? response
    : (response?.headers ?? response)?.get?.('link') ?? null;
  if (value === null) return null;
  for (const link of parseLinkHeader(value)) {
    const rels = (link.params.rel ?? '').toLowerCase().split(/[ \t]+/);
    if (rels.includes('mercure') && link.params['last-event-id'] !== undefined) return link.params['last-event-id'];
  }
  return null;
}

/**
 * Exclusive locks with the part of the Web Locks semantics herald.js relies on: `request(name,
 * { signal }, callback)` grants in request order and holds the lock until the callback's promise
 * settles; an aborted waiting request rejects; `query()` lists the held locks. Browsers hide
 * `navigator.locks` outside secure contexts (a plain-HTTP page other than localhost): a Herald
 * there uses one of these, of its own, and holds its own connection, as an EventSource would.
 * Owned by one thread.
 */
export class PageLocks {
  #held = new Map();
  #queues = new Map();

  request(name, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    const signal = typeof options === 'function' ? undefined : options?.signal;
    return new Promise((resolve, reject) => {
      const entry = { cb, resolve, reject };
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(entry);
      signal?.addEventListener('abort', () => {
        const at = queue.indexOf(entry);
        if (at < 0) return;
        queue.splice(at, 1);
        reject(new DOMException('the lock request was aborted', 'AbortError'));
      });
      this.#grant(name);
    });
  }

  async query() {
    return { held: [...this.#held.keys()].map((name) => ({ name })), pending: [] };
  }

  #grant(name) {
    if (this.#held.has(name)) return;
    const queue = this.#queues.get(name);
    const entry = queue?.shift();
    if (!entry) return;
    if (queue.length === 0) this.#queues.delete(name);
    this.#held.set(name, entry);
    const release = () => {
      this.#held.delete(name);
      this.#grant(name);
    };
    Promise.resolve().then(() => entry.cb({ name, mode: 'exclusive' })).then(
      (value) => { release(); entry.resolve(value); },
      (error) => { release(); entry.reject(error); });
  }
}

/** FNV-1a over UTF-16 code units, 52 bits: names a token's group without putting it in names. */
function groupOf(token) {
  if (!token) return 'anonymous';
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x0100019d) >>> 0;
  }
  return h1.toString(36) + (h2 & 0xfffff).toString(36);
}

function randomId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Statuses after which reconnecting cannot help: the request itself is wrong or refused. */
const FATAL_STATUSES = new Set([400, 401, 403, 404, 405, 414]);

/**
 * A hub client shared by every tab of this browser profile that uses the same hub and token.
 *
 *   const hub = new Herald('https://hub.example/.well-known/mercure', { token });
 *   const sub = hub.subscribe(['https://example.com/books/{id}'], (event) => show(event.data));
 *   hub.onstatechange = (state) => …;   // 'connecting' | 'open' | 'closed'
 *   hub.onmissing = () => reload();       // the hub no longer had the events after the last id
 *   sub.close(); hub.close();
 *
 * Runs on the tab's main thread; every callback is called there.
 */
export class Herald {
  /** 'connecting', 'open' or 'closed' (the state of the group's one connection). */
  state = 'connecting';
  /** Whether this tab holds the group's connection. */
  isLeader = false;
  /** Whether tabs share the connection: false where the browser hides Web Locks (insecure pages). */
  shared = true;
  /** The id of the last event the group received, resumed from after a failover. */
  lastEventId = null;
  onstatechange = null;
  onmissing = null;
  onleaderchange = null;

  #hubUrl;
  #token;
  #withCredentials;
  #fetch;
  #locks;
  #channel;
  #lockName;
  #tabId = randomId();
  #subscriptions = new Map(); // id → { onEvent }; their selectors are in #local
  #local = new Router(); // this tab's subscriptions
  #group = new Router(); // every tab's selectors, kept by every tab: any may have to lead
  #seen = new RecentIds();
  #nextSubscription = 0;
  #closed = false;
  #joined = false;
  #releaseTab = null;
  #electing = null; // AbortController of the pending leader-lock request
  #stepDown = null;
  #connection = null; // { controller, union }
  #reconcileTimer = null;
  #retryTimer = null;
  #attempt = 0;
  #serverRetry = null;
  #listeners = [];
  #from = null; // the first position this tab's subscriptions asked for, until the leader serves it
  #resumeFrom = null; // leader: the position the next connection starts from instead of lastEventId
  #resumeFor = new Map(); // leader: tab → the position it asked for, served by the next connection
  #served = new Map(); // leader: tab → the position last served to it, not to be served twice

  /**
   * @param hubUrl the hub's URL, e.g. https://hub.example/.well-known/mercure
   * @param options token: a subscriber JWT, sent as Authorization: Bearer (tabs with the same
   *     token share a connection; another token gets its own); withCredentials: send cookies
   *     across origins (the mercureAuthorization cookie); fetch, locks, BroadcastChannel: the
   *     browser's, replaceable for tests
   */
  constructor(hubUrl, { token = null, withCredentials = false, fetch = globalThis.fetch?.bind(globalThis),
    locks = globalThis.navigator?.locks, BroadcastChannel: Channel = globalThis.BroadcastChannel } = {}) {
    if (!Channel) throw new Error('herald.js needs BroadcastChannel');
    this.#hubUrl = new URL(hubUrl, globalThis.location?.href).href;
    this.#token = token;
    this.#withCredentials = withCredentials;
    this.#fetch = fetch;
    // Without Web Locks there is no safe election: this tab forms a group of its own.
    this.shared = Boolean(locks);
    this.#locks = locks ?? new PageLocks();
    const group = this.shared ? groupOf(token) : `${groupOf(token)}:${this.#tabId}`;
    const name = `herald:${this.#hubUrl}:${group}`;
    this.#lockName = `${name}:leader`;
    this.#channel = new Channel(name);
    this.#channel.onmessage = (message) => this.#receive(message.data);
    // Held for the tab's life, so a leader can tell the tabs that died without saying goodbye. The
    // tab joins the group only once it holds it: a leader never mistakes a newcomer for the dead.
    this.#locks.request(`${name}:tab:${this.#tabId}`, () => {
      if (this.#closed) return undefined;
      this.#joined = true;
      this.#post({ type: 'hello', tab: this.#tabId });
      this.#announce();
      this.#elect();
      return new Promise((resolve) => { this.#releaseTab = resolve; });
    }).catch(() => {});
    this.#listen('freeze', () => this.#resign()); // a frozen leader would hold the stream and pass nothing on
    this.#listen('resume', () => this.#elect());
    this.#listen('pagehide', (event) => (event.persisted ? this.#resign() : this.close()));
    this.#listen('pageshow', (event) => event.persisted && this.#elect());
  }

  /**
   * Subscribes this tab to the selectors (topics, '*' or URI templates, as the hub reads them);
   * `onEvent({ id, type, data })` is called for each event that one of them matches, once each,
   * in the hub's order. Returns `{ close() }`.
   *
   * `lastEventId`: the hub position the page's state was read at (from the `rel="mercure"` Link
   * of the response that carried it: `lastEventIdFrom(response)`). The subscription then gets
   * every matching event published after that position, those published before it subscribed
   * included; some may already be in the state (each event carries its id for the page to skip
   * them). When the group's stream is live, the leader re-opens it from there (the other tabs
   * drop what they already had by id); while it is reconnecting, it resumes from its own position.
   */
  subscribe(selectors, onEvent, { lastEventId = null } = {}) {
    if (this.#closed) throw new Error('herald: closed');
    const list = [...selectors].map(String);
    if (list.length === 0 || list.some((s) => s === '')) throw new Error('herald: subscribe needs non-empty selectors');
    const id = ++this.#nextSubscription;
    const from = lastEventId === null || lastEventId === undefined || lastEventId === '' ? null : String(lastEventId);
    // Its own memory of ids: events the tab had before it subscribed are news to this subscription.
    this.#subscriptions.set(id, { onEvent, seen: from === null ? null : new RecentIds() });
    this.#local.set(id, list);
    // A position asked earlier and not served yet stays: read first, it is no later than this one.
    if (from !== null && this.#from === null) this.#from = from;
    this.#announce();
    return { close: () => {
      if (!this.#subscriptions.delete(id)) return;
      this.#local.delete(id);
      if (!this.#closed) this.#announce();
    } };
  }

  /** Leaves the group: another tab takes over the connection if this one held it. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriptions.clear();
    this.#local = new Router();
    this.#post({ type: 'bye', tab: this.#tabId });
    this.#resign();
    this.#releaseTab?.();
    this.#listeners.forEach(([target, type, listener]) => target.removeEventListener(type, listener));
    this.#channel.close();
    this.#setState('closed');
  }

  /** Page lifecycle events: freeze and resume fire on the document, the others on the window. */
  #listen(type, listener) {
    const target = type === 'freeze' || type === 'resume' ? globalThis.document : globalThis;
    if (typeof target?.addEventListener !== 'function') return; // not in a page (node)
    target.addEventListener(type, listener);
    this.#listeners.push([target, type, listener]);
  }

  /** Tells the group this tab's selectors (and its last id, for a tab that just arrived). */
  #announce() {
    const selectors = this.#local.union();
    this.#group.set(this.#tabId, selectors);
    if (!this.#joined) return; // said once the tab lock is held
    this.#post({ type: 'subs', tab: this.#tabId, selectors, leader: this.isLeader, lastEventId: this.lastEventId,
      state: this.isLeader ? this.state : undefined, resumeFrom: this.#from ?? undefined });
    if (this.isLeader) {
      if (this.#from !== null) this.#serveFrom(this.#tabId, this.#from);
      this.#scheduleReconcile();
    }
  }

  /**
   * Leader: a tab asked for the events after `position`. The group's stream re-opens from there
   * when the group has no position yet, its stream is live (so at most events in flight to it
   * could lie between its position and the asked one) or closed (nobody needs its position); while
   * it connects or reconnects from a position of its own, that one stands. Each tab's position is
   * served once.
   */
  #serveFrom(tab, position) {
    if (this.#resumeFor.get(tab) === position || this.#served.get(tab) === position) return;
    if (this.lastEventId !== null && this.state === 'connecting') return; // resuming: its position stands
    // Several tabs asking before the stream re-opens: the first asked, read first, serves them all.
    this.#resumeFrom ??= position;
    this.#resumeFor.set(tab, position);
  }

  #post(message) {
    try {
      this.#channel.postMessage(message);
    } catch {
      // the channel is closed: this tab has left the group
    }
  }

  #receive(message) {
    if (this.#closed || !message || typeof message !== 'object') return;
    switch (message.type) {
      case 'hello':
        if (this.#joined) this.#announce(); // the newcomer must know every tab's selectors, in case it leads next
        break;
      case 'subs':
        this.#group.set(message.tab, message.selectors);
        if (this.isLeader && message.resumeFrom) this.#serveFrom(message.tab, message.resumeFrom);
        if (message.leader) {
          if (this.lastEventId === null && message.lastEventId) this.lastEventId = message.lastEventId;
          if (message.state) this.#setState(message.state);
        }
        if (this.isLeader) this.#scheduleReconcile();
        break;
      case 'bye':
        this.#group.delete(message.tab);
        if (this.isLeader) this.#scheduleReconcile();
        break;
      case 'event':
        this.#deliver(message);
        break;
      case 'state':
        if (!this.isLeader) this.#setState(message.state);
        break;
      case 'missing':
        this.onmissing?.();
        break;
      case 'served':
        for (const [tab, position] of message.served ?? []) {
          if (tab === this.#tabId && this.#from === position) this.#from = null;
        }
        break;
      default:
        break; // from a newer herald.js: ignore what this one does not know
    }
  }

  /**
   * Hands the event to this tab's subscriptions that want it and have not had it (a replay after a
   * failover, a re-subscription or a subscription from an earlier position repeats events); false
   * if the tab already had it.
   */
  #deliver(message) {
    const fresh = !message.id || this.#seen.add(message.id);
    if (message.id) this.lastEventId = message.id; // the stream's position, replays included
    for (const key of this.#local.route(message.matched)) {
      const subscription = this.#subscriptions.get(key);
      if (!subscription) continue;
      const first = subscription.seen ? !message.id || subscription.seen.add(message.id) : fresh;
      if (!first) continue;
      try {
        subscription.onEvent({ id: message.id, type: message.event, data: message.data });
      } catch (error) {
        queueMicrotask(() => { throw error; }); // report it, but let the other subscriptions have theirs
      }
    }
    return true;
  }

  #setState(state) {
    if (this.state === state) return;
    this.state = state;
    if (this.isLeader) this.#post({ type: 'state', state });
    this.onstatechange?.(state);
  }

  #elect() {
    if (this.#closed || !this.#joined || this.#electing || this.isLeader) return;
    const controller = new AbortController();
    this.#electing = controller;
    this.#locks.request(this.#lockName, { signal: controller.signal }, async () => {
      this.#electing = null;
      if (this.#closed) return;
      this.isLeader = true;
      this.onleaderchange?.(true);
      const done = new Promise((resolve) => { this.#stepDown = resolve; });
      this.#announce();
      await this.#forgetDeadTabs();
      this.#reconcile();
      await done;
    }).catch(() => {
      // aborted: the tab resigned before it was elected
    });
  }

  /** Gives up the lead (or the wait for it): the connection closes and another tab takes over. */
  #resign() {
    this.#electing?.abort();
    this.#electing = null;
    if (!this.isLeader) return;
    this.isLeader = false;
    this.#disconnect();
    clearTimeout(this.#reconcileTimer);
    this.#reconcileTimer = null;
    this.#stepDown?.();
    this.#stepDown = null;
    this.onleaderchange?.(false);
  }

  /** Tabs that crashed never said goodbye; their tab lock is gone, so their selectors go too. */
  async #forgetDeadTabs() {
    let held;
    try {
      held = new Set((await this.#locks.query()).held.map((lock) => lock.name));
    } catch {
      return;
    }
    const prefix = this.#lockName.replace(/:leader$/, ':tab:');
    for (const tab of this.#group.keys()) {
      if (tab !== this.#tabId && !held.has(prefix + tab)) this.#group.delete(tab);
    }
  }

  #scheduleReconcile() {
    if (this.#reconcileTimer !== null) return;
    // Changes that arrive together (a page subscribing to several things) re-open once.
    this.#reconcileTimer = setTimeout(async () => {
      this.#reconcileTimer = null;
      await this.#forgetDeadTabs();
      this.#reconcile();
    }, 20);
  }

  /** Opens, re-opens or closes the connection so it carries exactly the group's selectors. */
  #reconcile() {
    if (!this.isLeader || this.#closed) return;
    const union = this.#group.union();
    const current = this.#connection?.union;
    if (current && current.join('\n') === union.join('\n') && this.#resumeFrom === null) return;
    if (!current && this.#retryTimer !== null && union.length > 0) return; // a reconnection is due
    this.#disconnect();
    if (union.length === 0) {
      this.#setState('closed');
      return;
    }
    this.#connect(union);
  }

  #disconnect() {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#connection?.controller.abort();
    this.#connection = null;
  }

  async #connect(union) {
    const controller = new AbortController();
    const connection = { controller, union };
    this.#connection = connection;
    this.#setState('connecting');
    const url = new URL(this.#hubUrl);
    union.forEach((selector) => url.searchParams.append('topic', selector));
    url.searchParams.set(MATCH_PARAM, '1');
    const headers = { Accept: 'text/event-stream' };
    if (this.#token) headers.Authorization = `Bearer ${this.#token}`;
    const serving = this.#resumeFor;
    this.#resumeFor = new Map();
    if (this.#resumeFrom !== null) {
      // Later reconnections resume from here too, until events move it on.
      this.lastEventId = this.#resumeFrom;
      this.#resumeFrom = null;
    }
    const resumeFrom = this.lastEventId;
    if (resumeFrom) headers['Last-Event-ID'] = resumeFrom;
    let fatal = false;
    let opened = false;
    try {
      const response = await this.#fetch(url, {
        headers, cache: 'no-store', signal: controller.signal,
        credentials: this.#withCredentials ? 'include' : 'same-origin',
      });
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok || !type.startsWith('text/event-stream')) {
        fatal = FATAL_STATUSES.has(response.status);
        await response.body?.cancel().catch(() => {});
        throw new Error(`hub answered ${response.status}`);
      }
      if (resumeFrom && response.headers.get('last-event-id') === 'earliest') {
        this.#post({ type: 'missing' });
        this.onmissing?.();
      }
      this.#attempt = 0;
      opened = true;
      if (serving.size > 0) this.#markServed(serving);
      this.#setState('open');
      const parser = new SseParser((event) => this.#fromHub(event, union), { fields: [MATCH_FIELD] });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done || this.#connection !== connection) break;
          parser.feed(value);
          if (parser.retry !== null) this.#serverRetry = parser.retry;
        }
      } finally {
        parser.end();
        reader.cancel().catch(() => {});
      }
    } catch {
      // network error, abort or refusal: decided below
    }
    if (!opened) {
      // Never opened: those positions are still to serve (lastEventId starts at or before them).
      for (const [tab, position] of serving) if (!this.#resumeFor.has(tab)) this.#resumeFor.set(tab, position);
    }
    if (this.#connection !== connection) return; // replaced or closed on purpose
    this.#connection = null;
    if (fatal) {
      this.#setState('closed');
      return;
    }
    this.#setState('connecting');
    const delay = backoffDelay(this.#attempt++, { serverRetry: this.#serverRetry });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#reconcile();
    }, delay);
  }

  /** The stream now starts at or before the positions these tabs asked for: they stop asking. */
  #markServed(serving) {
    for (const [tab, position] of serving) {
      this.#served.set(tab, position);
      if (tab === this.#tabId && this.#from === position) this.#from = null;
    }
    if (this.#served.size > 1000) this.#served.delete(this.#served.keys().next().value);
    this.#post({ type: 'served', served: [...serving] });
  }

  #fromHub(event, union) {
    const message = { type: 'event', id: event.id, event: event.type, data: event.data,
      matched: matchedSelectors(event.fields, union) };
    this.#deliver(message);
    // Posted even when this tab had it: a tab subscribed from an earlier position may not have.
    this.#post(message);
  }
}
