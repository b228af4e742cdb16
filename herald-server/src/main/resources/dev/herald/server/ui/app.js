import { createApp, reactive, ref, watch, onBeforeUnmount } from '/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js';

const HUB = '/.well-known/mercure';
const MAX_MESSAGES = 500;
// Listening for these by name would duplicate onmessage or catch connection errors.
const RESERVED_TYPES = new Set(['message', 'open', 'error']);

const pad = (n) => String(n).padStart(2, '0');

function clock(date = new Date()) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map(pad).join(':');
}

function lines(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

// Storage may be unavailable (private browsing, blocked cookies); remembering tokens is only a convenience.
function storedRef(key) {
  let initial = '';
  try {
    initial = localStorage.getItem(key) ?? '';
  } catch {
    // keep the empty default
  }
  const value = ref(initial);
  watch(value, (current) => {
    try {
      localStorage.setItem(key, current);
    } catch {
      // not remembered, nothing else to do
    }
  });
  return value;
}

function useEventStream(toEntry) {
  const state = ref('closed');
  const lastId = ref('');
  const failed = ref(false);
  const messages = ref([]);
  const types = new Set();
  let source = null;
  let seq = 0;

  function receive(event) {
    lastId.value = event.lastEventId;
    const list = messages.value;
    list.push({ key: ++seq, time: clock(), ...toEntry(event) });
    if (list.length > MAX_MESSAGES) list.splice(0, list.length - MAX_MESSAGES);
  }

  function open(url) {
    close();
    const es = new EventSource(url);
    source = es;
    state.value = 'connecting';
    es.onopen = () => {
      state.value = 'open';
    };
    // The browser retries on its own (readyState CONNECTING) unless the server refused the stream (CLOSED).
    es.onerror = () => {
      failed.value = es.readyState === EventSource.CLOSED;
      state.value = failed.value ? 'closed' : 'reconnecting';
    };
    es.onmessage = receive;
    types.forEach((type) => es.addEventListener(type, receive));
  }

  function close() {
    source?.close();
    source = null;
    state.value = 'closed';
    failed.value = false;
  }

  function listenFor(type) {
    if (!type || RESERVED_TYPES.has(type) || types.has(type)) return;
    types.add(type);
    source?.addEventListener(type, receive);
  }

  onBeforeUnmount(close);

  return reactive({ state, lastId, failed, messages, open, close, listenFor });
}

function subscriptionUrl(topics, token) {
  const params = new URLSearchParams();
  topics.forEach((topic) => params.append('topic', topic));
  if (token) params.append('authorization', token);
  return `${HUB}?${params}`;
}

function publicationBody(form) {
  const body = new URLSearchParams();
  lines(form.topics).forEach((topic) => body.append('topic', topic));
  body.append('data', form.data);
  if (form.id.trim()) body.append('id', form.id.trim());
  if (form.type.trim()) body.append('type', form.type.trim());
  if (form.private) body.append('private', 'on');
  return body;
}

async function postUpdate(body, token) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const response = await fetch(HUB, { method: 'POST', headers, body });
    const text = (await response.text()).trim();
    return response.ok
      ? { ok: true, text: `Published event ${text}` }
      : { ok: false, text: `Error ${response.status}: ${text || response.statusText}` };
  } catch (error) {
    return { ok: false, text: `Network error: ${error.message}` };
  }
}

function usePublisher(beforeSend) {
  const form = reactive({
    topics: 'https://example.com/books/1',
    data: '',
    id: '',
    type: '',
    private: false,
  });
  const token = storedRef('herald.publisherToken');
  const result = ref(null);
  const busy = ref(false);

  async function publish() {
    beforeSend(form);
    busy.value = true;
    result.value = await postUpdate(publicationBody(form), token.value);
    busy.value = false;
  }

  return reactive({ form, token, result, busy, publish });
}

// Follows new messages only while the reader is already at the bottom, so scrolling back is not undone.
const pinned = new WeakMap();
const stickToBottom = {
  beforeUpdate(el) {
    pinned.set(el, el.scrollHeight - el.scrollTop - el.clientHeight < 4);
  },
  updated(el) {
    if (pinned.get(el)) el.scrollTop = el.scrollHeight;
  },
};

createApp({
  setup() {
    const demo = useEventStream((event) => ({ text: event.data }));
    const sub = useEventStream((event) => ({
      id: event.lastEventId,
      type: event.type === 'message' ? '' : event.type,
      data: event.data,
    }));
    const subTopics = ref('https://example.com/books/{id}');
    const subToken = storedRef('herald.subscriberToken');
    // Typed events are only delivered to listeners registered for that name, so follow the publish form's type.
    const pub = usePublisher((form) => sub.listenFor(form.type.trim()));

    function connectDemo() {
      demo.open('/sse');
    }

    function subscribe() {
      sub.listenFor(pub.form.type.trim());
      sub.open(subscriptionUrl(lines(subTopics.value), subToken.value));
    }

    return { demo, sub, subTopics, subToken, pub, connectDemo, subscribe };
  },
})
  .directive('stick-to-bottom', stickToBottom)
  .mount('#app');
