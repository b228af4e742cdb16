// The SSE parser against the WHATWG "interpret an event stream" rules, one rule per test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../herald.js';

function parse(chunks, options) {
  const events = [];
  const parser = new SseParser((event) => events.push(event), options);
  for (const chunk of [].concat(chunks)) parser.feed(chunk);
  return { events, parser };
}

test('an event is dispatched at a blank line with its id, type and data', () => {
  const { events } = parse('id: 1\nevent: book\ndata: hello\n\n');
  assert.deepEqual(events, [{ id: '1', type: 'book', data: 'hello', fields: {} }]);
});

test('the type defaults to message', () => {
  assert.equal(parse('data: x\n\n').events[0].type, 'message');
});

test('data lines join with LF', () => {
  assert.equal(parse('data: a\ndata:\ndata: b\n\n').events[0].data, 'a\n\nb');
});

test('CR, LF and CRLF all end lines', () => {
  const { events } = parse('data: a\r\rdata: b\r\n\r\ndata: c\n\n');
  assert.deepEqual(events.map((e) => e.data), ['a', 'b', 'c']);
});

test('a CRLF split between two chunks is one line ending', () => {
  const { events } = parse(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
  assert.deepEqual(events.map((e) => e.data), ['a\nb']);
});

test('a line split anywhere, even inside a UTF-16 pair of the decoded text, is rejoined', () => {
  const { events } = parse(['da', 'ta: h\u00e9', 'llo \ud83d', '\ude00\n', '\n']);
  assert.equal(events[0].data, 'h\u00e9llo \ud83d\ude00');
});

test('only one space after the colon is removed', () => {
  assert.equal(parse('data:  two\n\n').events[0].data, ' two');
  assert.equal(parse('data:none\n\n').events[0].data, 'none');
});

test('a leading BOM is dropped, a later one is not', () => {
  const { events } = parse('\ufeffdata: a\n\n\ufeffdata: b\n\n');
  assert.deepEqual(events.map((e) => e.data), ['a']);
});

test('comments are ignored', () => {
  const { events } = parse(':\n\n: heartbeat\ndata: x\n\n');
  assert.equal(events.length, 1);
});

test('a blank line without data dispatches nothing but sets the last event id', () => {
  const { events, parser } = parse('id: 7\n\n');
  assert.equal(events.length, 0);
  assert.equal(parser.lastEventId, '7');
});

test('the id persists to later events that have none', () => {
  const { events } = parse('id: 7\ndata: a\n\ndata: b\n\n');
  assert.deepEqual(events.map((e) => e.id), ['7', '7']);
});

test('an empty id resets the last event id', () => {
  const { parser } = parse('id: 7\ndata: a\n\nid\ndata: b\n\n');
  assert.equal(parser.lastEventId, '');
});

test('an id with NUL is ignored', () => {
  assert.equal(parse('id: 1\n\nid: a\0b\ndata: x\n\n').events[0].id, '1');
});

test('retry is honoured only when all ASCII digits', () => {
  assert.equal(parse('retry: 2500\n').parser.retry, 2500);
  assert.equal(parse('retry: 2500\nretry: 1.5\nretry: x\nretry: -1\n').parser.retry, 2500);
});

test('a field without a colon has an empty value', () => {
  assert.equal(parse('data\n\n').events[0].data, '');
});

test('an event not closed by a blank line when the stream ends is discarded', () => {
  const { events, parser } = parse('data: a\n');
  parser.end();
  parser.feed('\n');
  assert.equal(events.length, 0);
});

test('unknown fields are ignored unless asked for, then collected in order', () => {
  const text = 'id: 1\nherald-match: 0 2\nherald-match: 3\nfoo: bar\ndata: x\n\n';
  assert.deepEqual(parse(text).events[0].fields, {});
  assert.deepEqual(parse(text, { fields: ['herald-match'] }).events[0].fields, { 'herald-match': ['0 2', '3'] });
});

test('fields asked for do not leak into the next event', () => {
  const { events } = parse('herald-match: 0\ndata: a\n\ndata: b\n\n', { fields: ['herald-match'] });
  assert.deepEqual(events[1].fields, {});
});
