// Routing by the selectors the hub says matched, duplicate ids, and the reconnection delay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, RecentIds, backoffDelay, matchedSelectors } from '../herald.js';

test('the union holds every selector once, sorted, whatever the order tabs gave them', () => {
  const router = new Router();
  router.set('a', ['t/2', 'shared']);
  router.set('b', ['shared', 't/1', 't/1']);
  assert.deepEqual(router.union(), ['shared', 't/1', 't/2']);
});

test('an event goes to exactly the keys one of whose selectors matched', () => {
  const router = new Router();
  router.set('a', ['t/1', 'shared']);
  router.set('b', ['t/2', 'shared']);
  router.set('c', ['https://example.com/books/{id}']);
  assert.deepEqual(router.route(['t/1']), ['a']);
  assert.deepEqual(router.route(['shared']), ['a', 'b']);
  assert.deepEqual(router.route(['https://example.com/books/{id}', 't/2']), ['b', 'c']);
  assert.deepEqual(router.route([]), []);
});

test('without the hub extension every key gets the event', () => {
  const router = new Router();
  router.set('a', ['x']);
  router.set('b', ['y']);
  assert.deepEqual(router.route(null), ['a', 'b']);
});

test('a key set to no selectors or deleted gets nothing', () => {
  const router = new Router();
  router.set('a', ['x']);
  router.set('b', ['x']);
  router.set('a', []);
  router.delete('b');
  assert.deepEqual(router.route(['x']), []);
  assert.deepEqual(router.union(), []);
});

test('herald-match names selectors by their position in the request', () => {
  const requested = ['a', 'b', 'c'];
  assert.deepEqual(matchedSelectors({ 'herald-match': ['0 2'] }, requested), ['a', 'c']);
  assert.deepEqual(matchedSelectors({ 'herald-match': ['1', '9', ''] }, requested), ['b']);
  assert.equal(matchedSelectors({}, requested), null);
});

test('recent ids drop a repeat and forget the oldest past their capacity', () => {
  const ids = new RecentIds(2);
  assert.equal(ids.add('1'), true);
  assert.equal(ids.add('1'), false);
  ids.add('2');
  ids.add('3');
  assert.equal(ids.add('1'), true); // forgotten
  assert.equal(ids.add('3'), false);
});

test('backoff doubles up to its cap, half of it random', () => {
  const low = () => 0;
  const high = () => 1;
  assert.equal(backoffDelay(0, { base: 1000, random: high }), 1000);
  assert.equal(backoffDelay(0, { base: 1000, random: low }), 500);
  assert.equal(backoffDelay(3, { base: 1000, random: high }), 8000);
  assert.equal(backoffDelay(30, { base: 1000, max: 30_000, random: high }), 30_000);
  assert.equal(backoffDelay(30, { base: 1000, max: 30_000, random: low }), 15_000);
});

test('the server retry is the base and the floor', () => {
  assert.equal(backoffDelay(0, { serverRetry: 3000, random: () => 0 }), 3000);
  assert.equal(backoffDelay(1, { serverRetry: 3000, random: () => 1 }), 6000);
});
