import { ref, watch } from '/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js';

/**
 * The hub this page talks to: its own origin, or the one given as ?hub=ORIGIN (the hub must then
 * allow this page's origin with --cors-origin). Tokens are remembered per hub, so a link naming
 * another hub never sends it the tokens typed for this one.
 */
export const HUB_ORIGIN = hubOrigin();
export const HUB = `${HUB_ORIGIN}/.well-known/mercure`;

export function hubUrl(path) {
  return `${HUB_ORIGIN}${path}`;
}

function hubOrigin() {
  const given = new URLSearchParams(location.search).get('hub');
  if (!given) return '';
  try {
    const origin = new URL(given).origin;
    return origin === location.origin || origin === 'null' ? '' : origin;
  } catch {
    return '';
  }
}

export function lines(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

/**
 * The subscribe URL for selectors of one family: draft-07 `topic`, or draft-08 `match` /
 * `match_urlpattern`. The token goes in the query only for draft-07: draft-08 accepts it only in a
 * header or a cookie, neither of which an EventSource lets a page set.
 */
export function subscriptionUrl(family, topics, token) {
  const params = new URLSearchParams();
  topics.forEach((topic) => params.append(family, topic));
  if (token) params.append('authorization', token);
  return `${HUB}?${params}`;
}

/** POSTs an update; the answer says what happened in words a developer can act on. */
export async function postUpdate(body, token) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const response = await fetch(HUB, { method: 'POST', headers, body });
    const text = (await response.text()).trim();
    return response.ok
      ? { ok: true, id: text, text: `Published event ${text}` }
      : { ok: false, text: `Error ${response.status}: ${text || response.statusText}` };
  } catch (error) {
    return { ok: false, text: `Network error: ${error.message}` };
  }
}

// Storage may be unavailable (private browsing, blocked cookies); remembering tokens is only a convenience.
export function storedRef(name) {
  const key = HUB_ORIGIN ? `${name}@${HUB_ORIGIN}` : name;
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

/** What the hub says about itself (GET /info); null fields mean the feature is off. */
export async function loadInfo() {
  try {
    const response = await fetch(hubUrl('/info'));
    if (response.ok) return await response.json();
  } catch {
    // an older hub or another server: the panels fall back to their defaults
  }
  return null;
}
