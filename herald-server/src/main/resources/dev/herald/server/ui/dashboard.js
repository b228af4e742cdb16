import { reactive, ref, shallowRef, onBeforeUnmount, onMounted, watch } from '/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js';
import { HUB } from './hub.js';

const POINTS = 120; // two minutes at one snapshot a second

/**
 * The hub's own figures, received like any other update: the page subscribes to the metrics
 * topic, and the hub publishes a snapshot on it every second while someone does.
 */
export function useDashboard() {
  const state = ref('closed');
  const latest = ref(null);
  // uPlot wants columns: times, then one array per series; a new array each time tells Vue.
  const series = shallowRef(emptySeries());
  let source = null;

  function start(topic) {
    stop();
    const es = new EventSource(`${HUB}?topic=${encodeURIComponent(topic)}`);
    source = es;
    state.value = 'connecting';
    es.onopen = () => {
      state.value = 'open';
    };
    es.onerror = () => {
      state.value = es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
    };
    es.onmessage = (event) => {
      const figures = JSON.parse(event.data);
      latest.value = figures;
      const next = series.value.map((column) => column.slice(-(POINTS - 1)));
      next[0].push(figures.time / 1000);
      next[1].push(figures.publishedPerSecond);
      next[2].push(figures.deliveredPerSecond);
      next[3].push(figures.connections);
      next[4].push(figures.subscriptions);
      next[5].push(figures.p99Millis);
      series.value = next;
    };
  }

  function stop() {
    source?.close();
    source = null;
    state.value = 'closed';
  }

  onBeforeUnmount(stop);
  return reactive({ state, latest, series, start, stop });
}

function emptySeries() {
  return [[], [], [], [], [], []];
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A small uPlot time-series chart of some columns of the dashboard's series. */
export const TimeChart = {
  props: {
    label: { type: String, required: true },
    data: { type: Array, required: true },
    columns: { type: Array, required: true }, // indexes into data, after the time column
    names: { type: Array, required: true },
    colors: { type: Array, required: true },
    unit: { type: String, default: '' },
  },
  template: '<div ref="box" class="chart" role="img" :aria-label="label"></div>',
  setup(props) {
    const box = ref(null);
    let chart = null;
    let resize = null;

    const pick = (data) => [data[0], ...props.columns.map((i) => data[i])];

    onMounted(() => {
      // Loaded by a classic script tag: the uPlot webjar ships no ES module build worth importing.
      const { uPlot } = window;
      const text = cssVar('--muted');
      const grid = cssVar('--border');
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      chart = new uPlot({
        width: box.value.clientWidth || 300,
        height: 140,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [axis, { ...axis, size: 50, values: (u, ticks) => ticks.map((t) => `${+t.toFixed(2)}${props.unit}`) }],
        series: [{}, ...props.names.map((name, i) => ({
          label: name, stroke: props.colors[i], width: 2, spanGaps: true,
          value: (u, v) => (v == null ? '—' : `${+v.toFixed(3)}${props.unit}`),
        }))],
      }, pick(props.data), box.value);
      resize = new ResizeObserver(() => chart.setSize({ width: box.value.clientWidth, height: 140 }));
      resize.observe(box.value);
    });

    watch(() => props.data, (data) => chart?.setData(pick(data)));

    onBeforeUnmount(() => {
      resize?.disconnect();
      chart?.destroy();
    });

    return { box };
  },
};
