// One "tab" of the Connection-limit panel's experiment (also opened as real tabs by the tests):
// a page that subscribes through herald.js to the topics in its address (?topic=…&topic=…), so
// that however many such pages are open, the browser holds one connection to the hub. It shows
// what it received, and tells a parent page (the panel hosts ten of these in iframes) about it.

import { Herald } from '/herald.js';

const params = new URLSearchParams(location.search);
const given = params.get('hub');
const hubOrigin = given ? new URL(given).origin : location.origin;
const name = params.get('name') ?? '';
const MAX_SHOWN = 50;

const hub = new Herald(`${hubOrigin}/.well-known/mercure`);
const received = []; // { id, data, selectors } in arrival order, for the tests
const list = document.getElementById('tab-events');

function report() {
  document.getElementById('tab-role').textContent = hub.isLeader ? 'leader' : 'follower';
  const state = document.getElementById('tab-state');
  state.textContent = hub.state;
  state.dataset.state = hub.state;
  document.getElementById('tab-count').textContent = String(received.length);
  if (parent !== window) {
    parent.postMessage({ herald: 'tab', name, leader: hub.isLeader, state: hub.state, received: received.length },
      location.origin);
  }
}

function subscribe(selectors) {
  return hub.subscribe(selectors, (event) => {
    received.push({ id: event.id, data: event.data, selectors });
    const item = document.createElement('li');
    item.textContent = event.data;
    item.dataset.id = event.id;
    list.append(item);
    if (list.children.length > MAX_SHOWN) list.firstElementChild.remove();
    report();
  });
}

document.getElementById('tab-name').textContent = params.get('label') ?? name;
let missing = 0;
hub.onstatechange = report;
hub.onmissing = () => { missing += 1; };
hub.onleaderchange = report;
const topics = params.getAll('topic');
if (topics.length > 0) subscribe(topics);
report();

// For the tests: what arrived, and a way to subscribe to more while events flow.
window.heraldTab = { hub, received, subscribe, missing: () => missing };
