import { createApp, reactive, ref, onMounted } from '/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js';
import { HUB, HUB_ORIGIN, hubUrl, lines, loadInfo, postUpdate, storedRef, subscriptionUrl } from './hub.js';
import { useEventStream } from './stream.js';
import { FAMILIES, matching, selector } from './topics.js';
import { TimeChart, useDashboard } from './dashboard.js';
import { pageProtocol, useLimits } from './limits.js';

function publicationBody(form) {
  const body = new URLSearchParams();
  lines(form.topics).forEach((topic) => body.append('topic', topic));
  body.append('data', form.data);
  if (form.id.trim()) body.append('id', form.id.trim());
  if (form.type.trim()) body.append('type', form.type.trim());
  if (form.private) body.append('private', 'on');
  return body;
}

function usePublisher(beforeSend, afterSend) {
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
    const topics = lines(form.topics);
    result.value = await postUpdate(publicationBody(form), token.value);
    if (result.value.ok) afterSend(result.value.id, topics);
    busy.value = false;
  }

  return reactive({ form, token, result, busy, publish });
}

/**
 * SSE events do not carry their topics, so the page remembers the topics of the updates it
 * published itself (by the id the hub answered) to say which selectors matched them.
 */
function useTopicMemory() {
  const topicsById = reactive(new Map());
  const MAX = 1000;

  function remember(id, topics) {
    topicsById.set(id, topics);
    if (topicsById.size > MAX) topicsById.delete(topicsById.keys().next().value);
  }

  return { topicsById, remember };
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

function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return Number(value).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

createApp({
  components: { TimeChart },
  setup() {
    const info = ref(null);
    const infoLoaded = ref(false);

    const demo = useEventStream((event) => ({ text: event.data }));

    const { topicsById, remember } = useTopicMemory();
    let subSelectors = [];
    const sub = useEventStream((event) => ({
      type: event.type === 'message' ? '' : event.type,
      data: event.data,
      selectors: subSelectors, // those of the subscription it arrived on
    }));
    const subTopics = ref('https://example.com/books/{id}');
    const subFamily = ref('topic');
    const subToken = storedRef('herald.subscriberToken');
    // Typed events are only delivered to listeners registered for that name, so follow the publish form's type.
    const pub = usePublisher((form) => sub.listenFor(form.type.trim()), remember);
    const devToken = reactive({ busy: false, result: null });

    const dashboard = useDashboard();
    const limits = useLimits();
    const protocol = ref('');

    onMounted(async () => {
      protocol.value = pageProtocol();
      info.value = await loadInfo();
      infoLoaded.value = true;
    });

    function connectDemo() {
      demo.clear();
      demo.open(hubUrl('/sse'));
    }

    function subscribe() {
      const raw = lines(subTopics.value);
      const family = subFamily.value;
      const hub = new URL(HUB, location.href).href;
      subSelectors = raw.map((text) => selector(text, family, hub));
      sub.listenFor(pub.form.type.trim());
      sub.open(subscriptionUrl(family, raw, FAMILIES[family].tokenInQuery ? subToken.value : ''));
    }

    /** Which of the subscribed selectors let this update through, as far as the page can tell. */
    function matchOf(message) {
      const topics = topicsById.get(message.id);
      if (topics) {
        return { topics, selectors: matching(message.selectors, topics).map((s) => s.raw) };
      }
      // Published elsewhere: with a single selector there is no doubt, otherwise the page cannot know.
      if (message.selectors.length === 1) return { topics: null, selectors: [message.selectors[0].raw] };
      return { topics: null, selectors: null };
    }

    async function fillDevelopmentTokens() {
      devToken.busy = true;
      try {
        const response = await fetch(hubUrl('/dev/token'));
        if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).trim()}`);
        const tokens = await response.json();
        pub.token = tokens.publisher;
        subToken.value = tokens.subscriber ?? '';
        devToken.result = { ok: true, text: `Filled in tokens for every topic, valid ${Math.round(tokens.expiresInSeconds / 3600)} h.` };
      } catch (error) {
        devToken.result = { ok: false, text: `No development token: ${error.message}` };
      }
      devToken.busy = false;
    }

    function http2Url() {
      const port = info.value?.tlsPorts?.[0];
      const host = HUB_ORIGIN ? new URL(HUB_ORIGIN).hostname : location.hostname;
      return port ? `https://${host}:${port}/#limits` : '';
    }

    return {
      info, infoLoaded, demo, sub, subTopics, subFamily, FAMILIES, subToken, pub, matchOf, devToken, fillDevelopmentTokens,
      dashboard, limits, protocol, http2Url, connectDemo, subscribe, formatNumber, HUB_ORIGIN, hubUrl,
    };
  },
})
  .directive('stick-to-bottom', stickToBottom)
  .mount('#app');
