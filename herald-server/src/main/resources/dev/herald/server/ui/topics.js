// Client-side topic matching, only to show which of your selectors let an update through: the hub
// decides what is delivered, and SSE events do not carry their topics, so the page can tell only
// for updates it published itself (it remembers their ids).

const UNRESERVED = "A-Za-z0-9\\-._~%";
const RESERVED = `${UNRESERVED}:/?#\\[\\]@!$&'()*+,;=`;

// RFC 6570 operators: what the expansion starts with and which characters may follow. Loose on
// purpose (lists, explode and prefixes are not told apart): good enough to label an update.
const OPERATORS = {
  '': { first: '', chars: `${UNRESERVED},` },
  '+': { first: '', chars: `${RESERVED}` },
  '#': { first: '#', chars: `${RESERVED}` },
  '.': { first: '\\.', chars: `${UNRESERVED}.` },
  '/': { first: '/', chars: `${UNRESERVED}/` },
  ';': { first: ';', chars: `${UNRESERVED};=` },
  '?': { first: '\\?', chars: `${UNRESERVED}&=` },
  '&': { first: '&', chars: `${UNRESERVED}&=` },
};

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function templatePattern(template) {
  let pattern = '';
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    if (open < 0) {
      pattern += escapeRegex(rest);
      break;
    }
    const close = rest.indexOf('}', open);
    if (close < 0) return null;
    pattern += escapeRegex(rest.slice(0, open));
    const body = rest.slice(open + 1, close);
    const operator = OPERATORS[body[0]] ? body[0] : '';
    const names = (operator ? body.slice(1) : body).split(',');
    if (names.some((name) => !/^[A-Za-z0-9_.%]+(\*|:[0-9]{1,4})?$/.test(name))) return null;
    const { first, chars } = OPERATORS[operator];
    pattern += first ? `(?:${first}[${chars}]*)?` : `[${chars}]*`;
    rest = rest.slice(close + 1);
  }
  return new RegExp(`^${pattern}$`);
}

/**
 * The selector families of the Playground: the draft-07 `topic` parameter and the two draft-08
 * matcher types. `tokenInQuery`: whether the subscriber token can travel with the stream.
 */
export const FAMILIES = {
  topic: { protocol: 'draft-07', hint: 'a topic, * or a URI template such as https://example.com/books/{id}', tokenInQuery: true },
  match: { protocol: 'draft-08', hint: 'a topic compared byte for byte, or *', tokenInQuery: false },
  match_urlpattern: { protocol: 'draft-08', hint: 'a URL pattern such as https://example.com/books/:id, or *', tokenInQuery: false },
};

/** A draft-08 URL pattern, resolved against the hub URL like the hub does; never matches where the browser has no URLPattern. */
function urlPattern(raw, hubUrl) {
  try {
    const pattern = new URLPattern(raw, hubUrl);
    return { raw, kind: 'urlpattern', matches: (topic) => pattern.test(topic, hubUrl) };
  } catch {
    return { raw, kind: 'urlpattern', matches: () => false };
  }
}

/**
 * A selector as the hub reads it. `topic`: '*', a URI template, or (anything else) an exact
 * topic; `match`: '*' or an exact topic (no template reading); `match_urlpattern`: '*' or a URL pattern.
 */
export function selector(raw, family = 'topic', hubUrl = location.href) {
  if (raw === '*') return { raw, kind: 'any', matches: () => true };
  if (family === 'match') return { raw, kind: 'exact', matches: (topic) => topic === raw };
  if (family === 'match_urlpattern') return urlPattern(raw, hubUrl);
  const regex = raw.includes('{') ? templatePattern(raw) : null;
  if (regex) return { raw, kind: 'template', matches: (topic) => topic === raw || regex.test(topic) };
  return { raw, kind: 'exact', matches: (topic) => topic === raw };
}

/** The selectors that match at least one of the topics. */
export function matching(selectors, topics) {
  return selectors.filter((s) => topics.some((topic) => s.matches(topic)));
}
