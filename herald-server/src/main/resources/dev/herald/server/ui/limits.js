import { computed, reactive, ref, onBeforeUnmount } from '/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js';
import { HUB, HUB_ORIGIN, hubUrl, postUpdate } from './hub.js';

export const LIMIT_TOPIC_PREFIX = 'urn:herald:limits:';

/** The protocol the page itself came over: 'http/1.1', 'h2', or '' when the browser will not say. */
export function pageProtocol() {
  const [navigation] = performance.getEntriesByType('navigation');
  return navigation?.nextHopProtocol ?? '';
}

/** The tab page of the "N tabs, one connection" experiment, subscribed to one topic. */
function tabUrl(topic, index) {
  const params = new URLSearchParams({ name: String(index), label: `tab ${index + 1}`, topic });
  if (HUB_ORIGIN) params.set('hub', HUB_ORIGIN);
  return `/ui/tab.html?${params}`;
}

/** The hub's herald_streams_open figure from /metrics, or null when metrics are off. */
async function hubStreams() {
  try {
    const response = await fetch(hubUrl('/metrics'), { cache: 'no-store' });
    if (!response.ok) return null;
    const found = /^herald_streams_open (\S+)$/m.exec(await response.text());
    return found ? Number(found[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The browser's connection limit, shown: N EventSources on one origin over HTTP/1.1 get at most
 * six connections (the rest wait, pending); over HTTP/2 they share one connection; one
 * EventSource can carry N topics instead; and N tabs (iframes here) using herald.js share one
 * connection, held by whichever tab leads.
 */
export function useLimits() {
  const count = ref(10);
  const mode = ref('');
  const streams = reactive([]); // { label, state, opened }
  const topics = reactive([]); // { topic, received }
  const sending = ref(false);
  const result = ref(null);
  const hubStreamCount = ref(null);
  let sources = [];
  let streamPoll = null;

  const open = computed(() => streams.filter((s) => s.state === 'open').length);
  const pending = computed(() => streams.filter((s) => s.state === 'pending').length);
  const receiving = computed(() => topics.filter((t) => t.received > 0).length);

  function n() {
    return Math.min(Math.max(1, Math.trunc(Number(count.value)) || 1), 100);
  }

  function track(es, stream, onMessage) {
    es.onopen = () => {
      stream.state = 'open';
      stream.opened = true;
    };
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) stream.state = 'failed';
      else stream.state = stream.opened ? 'reconnecting' : 'pending';
    };
    es.onmessage = onMessage;
    sources.push(es);
  }

  function reset(newMode) {
    // Waiting ones first: a connection freed by closing an open one would otherwise go to a
    // waiting EventSource, whose request then reaches the hub just as the page drops it.
    const waiting = streams.map((s) => !s.opened);
    sources.filter((es, i) => waiting[i]).forEach((es) => es.close());
    sources.forEach((es) => es.close());
    sources = [];
    clearInterval(streamPoll);
    streamPoll = null;
    hubStreamCount.value = null;
    streams.splice(0);
    topics.splice(0);
    result.value = null;
    mode.value = newMode;
    const total = newMode ? n() : 0;
    for (let i = 1; i <= total; i++) topics.push({ topic: `${LIMIT_TOPIC_PREFIX}${i}`, received: 0 });
  }

  function openSeparate() {
    reset('separate');
    topics.forEach((t, i) => {
      // Vue tracks the array's own (proxied) element, so state changes re-render.
      streams.push({ label: `#${i + 1}`, state: 'pending', opened: false });
      const stream = streams[streams.length - 1];
      const es = new EventSource(`${HUB}?topic=${encodeURIComponent(t.topic)}`);
      track(es, stream, () => {
        t.received += 1;
      });
    });
  }

  function openMultiplexed() {
    reset('multiplexed');
    streams.push({ label: `${topics.length} topics`, state: 'pending', opened: false });
    const stream = streams[0];
    const params = new URLSearchParams();
    topics.forEach((t) => params.append('topic', t.topic));
    // SSE events do not say which topic they were published to, so the send button puts the
    // topic in the data and the single stream tells the topics apart by it.
    const byTopic = new Map(topics.map((t) => [t.topic, t]));
    track(new EventSource(`${HUB}?${params}`), stream, (event) => {
      const t = byTopic.get(event.data);
      if (t) t.received += 1;
    });
  }

  /**
   * N same-origin iframes, each a page of its own with its own Herald, as N tabs would be: the
   * Web Locks API elects one of them to hold the connection, and BroadcastChannel passes each
   * event on to the frame whose topic it matches.
   */
  function openTabs() {
    reset('tabs');
    topics.forEach((t, i) => {
      streams.push({ label: `tab ${i + 1}`, state: 'connecting', opened: false, leader: false, src: tabUrl(t.topic, i) });
    });
    const poll = async () => {
      hubStreamCount.value = await hubStreams();
    };
    poll();
    streamPoll = setInterval(poll, 1000);
  }

  function onTabMessage(event) {
    const report = event.data;
    if (event.origin !== location.origin || report?.herald !== 'tab' || mode.value !== 'tabs') return;
    const index = Number(report.name);
    const stream = streams[index];
    if (!stream) return;
    stream.state = report.state;
    stream.opened ||= report.state === 'open';
    stream.leader = report.leader;
    topics[index].received = report.received;
  }

  window.addEventListener('message', onTabMessage);

  async function sendToEach(token) {
    sending.value = true;
    const answers = await Promise.all(topics.map((t) => postUpdate(new URLSearchParams({ topic: t.topic, data: t.topic }), token)));
    const failed = answers.filter((a) => !a.ok);
    result.value = failed.length === 0
      ? { ok: true, text: `Published one event to each of ${answers.length} topics` }
      : { ok: false, text: `${failed.length} of ${answers.length} failed: ${failed[0].text}` };
    sending.value = false;
  }

  function closeAll() {
    reset('');
  }

  onBeforeUnmount(() => {
    closeAll();
    window.removeEventListener('message', onTabMessage);
  });

  return reactive({ count, mode, streams, topics, open, pending, receiving, sending, result, hubStreamCount,
    openSeparate, openMultiplexed, openTabs, sendToEach, closeAll });
}
