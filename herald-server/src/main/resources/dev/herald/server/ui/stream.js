import { reactive, ref, onBeforeUnmount } from '/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js';

const MAX_MESSAGES = 500;
// Listening for these by name would duplicate onmessage or catch connection errors.
const RESERVED_TYPES = new Set(['message', 'open', 'error']);

const pad = (n, width = 2) => String(n).padStart(width, '0');

export function clock(date = new Date()) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => pad(n)).join(':');
}

/**
 * One EventSource and what it received. The browser reconnects by itself after a network error
 * or a graceful shutdown (waiting the server's retry: hint) and sends the id of the last event it
 * saw as Last-Event-ID, so the hub replays what was missed; the list marks each reconnection, so
 * the replayed events can be seen arriving after it.
 */
export function useEventStream(toEntry) {
  const state = ref('closed');
  const lastId = ref('');
  const failed = ref(false);
  const reconnects = ref(0);
  const messages = ref([]);
  const types = new Set();
  let source = null;
  let seq = 0;
  let awaySince = null;

  function push(entry) {
    const list = messages.value;
    list.push({ key: ++seq, time: clock(), ...entry });
    if (list.length > MAX_MESSAGES) list.splice(0, list.length - MAX_MESSAGES);
  }

  function receive(event) {
    // An event without an id field (the demo's greeting) keeps the previous event's lastEventId;
    // hub ids are unique, so an unchanged value means "no id" and is not shown twice.
    const id = event.lastEventId === lastId.value ? '' : event.lastEventId;
    lastId.value = event.lastEventId;
    push({ id, ...toEntry(event) });
  }

  function open(url) {
    close();
    const es = new EventSource(url);
    source = es;
    state.value = 'connecting';
    es.onopen = () => {
      if (awaySince !== null) {
        reconnects.value += 1;
        push({
          separator: true,
          text: `Reconnected after ${((Date.now() - awaySince) / 1000).toFixed(1)} s,`
            + ` resuming after ${lastId.value ? `id ${lastId.value}` : 'the start'}: missed events follow`,
        });
        awaySince = null;
      }
      state.value = 'open';
    };
    // The browser retries on its own (readyState CONNECTING) unless the server refused the stream (CLOSED).
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        failed.value = true;
        state.value = 'closed';
        return;
      }
      if (state.value === 'open') {
        awaySince = Date.now();
        push({ separator: true, text: 'Connection lost: the browser reconnects by itself' });
      }
      state.value = 'reconnecting';
    };
    es.onmessage = receive;
    types.forEach((type) => es.addEventListener(type, receive));
  }

  function close() {
    source?.close();
    source = null;
    awaySince = null;
    state.value = 'closed';
    failed.value = false;
  }

  function clear() {
    messages.value = [];
    lastId.value = '';
    reconnects.value = 0;
  }

  function listenFor(type) {
    if (!type || RESERVED_TYPES.has(type) || types.has(type)) return;
    types.add(type);
    source?.addEventListener(type, receive);
  }

  onBeforeUnmount(close);

  return reactive({ state, lastId, failed, reconnects, messages, open, close, clear, listenFor });
}
