// Type declarations of herald.js (the whole public API of the module, as it exists). Checked by
// `tsc --noEmit` on test/types-example.ts and test/types-misuse.ts (scripts/typecheck-js.sh).

/** The hub extension's query parameter: ask for the herald-match field on each event. */
export declare const MATCH_PARAM: 'herald-match';

/** The SSE field naming, by position in the request's topic parameters, the selectors that matched. */
export declare const MATCH_FIELD: 'herald-match';

/** An event as the stream parser dispatches it. */
export interface SseEvent {
  /** The last event id of the stream (the spec's "last event ID buffer"), '' when none. */
  id: string;
  /** The `event:` field, 'message' when absent. */
  type: string;
  /** The `data:` lines joined with '\n'. */
  data: string;
  /** The values of the extra fields asked for, in stream order. */
  fields: Record<string, string[]>;
}

/** A text/event-stream parser following the WHATWG rules. One per stream, fed in order. */
export declare class SseParser {
  /** The id the client would send back as Last-Event-ID. */
  lastEventId: string;
  /** The reconnection delay the stream asked for with `retry:`, or null. */
  retry: number | null;
  constructor(onEvent: (event: SseEvent) => void, options?: { fields?: Iterable<string> });
  /** Feeds decoded text, any amount, split anywhere. */
  feed(chunk: string): void;
  /** The stream ended: an event not closed by a blank line is discarded. */
  end(): void;
}

/** Which keys (tabs, subscriptions) want an event, by the selectors the hub said matched. */
export declare class Router<K = unknown> {
  set(key: K, selectors: readonly string[]): void;
  delete(key: K): void;
  keys(): K[];
  /** Every selector of every key, once each, sorted. */
  union(): string[];
  /** The keys one of whose selectors matched; every key when `matched` is null. */
  route(matched: readonly string[] | null): K[];
}

/** The selectors a herald-match field names, given the request's topics in order; null without one. */
export declare function matchedSelectors(
  fields: Record<string, readonly string[]>,
  requested: readonly string[],
): string[] | null;

/** The ids seen most recently, at most `capacity` (10,000 by default). */
export declare class RecentIds {
  constructor(capacity?: number);
  /** Adds the id; false if it was already there. */
  add(id: string): boolean;
}

/** Reconnection delay in milliseconds: exponential with jitter, never below the server's `retry:`. */
export declare function backoffDelay(
  attempt: number,
  options?: { base?: number; max?: number; serverRetry?: number | null; random?: () => number },
): number;

/** A lock as the callback of a lock request receives it. */
export interface HeldLock {
  name: string;
  mode: 'exclusive' | 'shared';
}

/** The part of the Web Locks API (`navigator.locks`) herald.js uses. */
export interface LocksLike {
  request<T>(name: string, callback: (lock: HeldLock | null) => T | PromiseLike<T>): Promise<T>;
  request<T>(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: HeldLock | null) => T | PromiseLike<T>,
  ): Promise<T>;
  query(): Promise<{ held?: Array<{ name?: string }>; pending?: Array<{ name?: string }> }>;
}

/** Exclusive locks for one page, where the browser offers no Web Locks (insecure contexts). */
export declare class PageLocks implements LocksLike {
  request<T>(name: string, callback: (lock: HeldLock) => T | PromiseLike<T>): Promise<T>;
  request<T>(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: HeldLock) => T | PromiseLike<T>,
  ): Promise<T>;
  query(): Promise<{ held: Array<{ name: string }>; pending: [] }>;
}

/** One link of a `Link` field: its target as written, parameter names lower-cased. */
export interface Link {
  target: string;
  params: Record<string, string>;
}

/** Parses one `Link` field value (RFC 8288); malformed links are skipped. */
export declare function parseLinkHeader(value: string | null | undefined): Link[];

/** Anything with the `get` of `Headers`. */
export interface HeadersLike {
  get(name: string): string | null;
}

/**
 * The `last-event-id` of the first `rel="mercure"` Link of a response (a fetch `Response`, its
 * `Headers`, or the field value), or null: the position to subscribe from.
 */
export declare function lastEventIdFrom(
  response: { headers: HeadersLike } | HeadersLike | string | null | undefined,
): string | null;

/** The state of the group's one connection. */
export type HeraldState = 'connecting' | 'open' | 'closed';

/** An event handed to a subscription. */
export interface HeraldEvent {
  id: string;
  type: string;
  data: string;
}

export interface HeraldOptions {
  /** Subscriber JWT, sent as `Authorization: Bearer`; tabs with the same token share a connection. */
  token?: string | null;
  /** Send cookies to a hub on another origin (the mercureAuthorization cookie). */
  withCredentials?: boolean;
  /** The browser's, replaceable for tests. */
  fetch?: (input: URL | string, init?: RequestInit) => Promise<Response>;
  /** `navigator.locks`, replaceable for tests; without it the tab forms a group alone. */
  locks?: LocksLike;
  /** The browser's, replaceable for tests. */
  BroadcastChannel?: new (name: string) => BroadcastChannel;
}

export interface SubscribeOptions {
  /**
   * The hub position the page's state was read at (`lastEventIdFrom(response)`): the subscription
   * gets every matching event published after it.
   */
  lastEventId?: string | null;
}

/** What `subscribe` returns. */
export interface HeraldSubscription {
  close(): void;
}

/** A hub client shared by every tab of this browser profile that uses the same hub and token. */
export declare class Herald {
  state: HeraldState;
  /** Whether this tab holds the group's connection. */
  isLeader: boolean;
  /** Whether tabs share the connection: false where the browser hides Web Locks. */
  shared: boolean;
  /** The id of the last event the group received. */
  lastEventId: string | null;
  onstatechange: ((state: HeraldState) => void) | null;
  /** The hub no longer had the events after the position resumed from (`Last-Event-ID: earliest`). */
  onmissing: (() => void) | null;
  onleaderchange: ((isLeader: boolean) => void) | null;
  constructor(hubUrl: string | URL, options?: HeraldOptions);
  subscribe(
    selectors: Iterable<string>,
    onEvent: (event: HeraldEvent) => void,
    options?: SubscribeOptions,
  ): HeraldSubscription;
  /** Leaves the group: another tab takes over the connection if this one held it. */
  close(): void;
}
