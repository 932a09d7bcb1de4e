// Browser benchmark (not a test): time to first interactive render, and frame
// times while 1,000 pods animate. Run with scripts/bench-web.sh, which builds
// dist/ and serves it. Prints one line per figure; nothing here passes or fails.
//
// The page is opened with a control plane and ten kind workers (`?nodes=...`,
// 110 pods each; the control plane keeps its NoSchedule taint when there are
// workers, as in kind); the editor applies a 1,000-replica Parallel
// StatefulSet at 20x, and frames are timed with requestAnimationFrame while
// the pods go Pending → Running. The cluster view draws at most
// MAX_SHOWN_OBJECTS cards (web/src/view.rs); the simulator runs all 1,000.
//
// Given more than one URL (scripts/bench-web.sh does so with BENCH_COMPARE),
// it compares the first render of those builds instead: 10 loads of each,
// alternating, so that a shared machine's changing load falls on all alike.
import { chromium } from 'playwright-core';

const [url, ...others] = process.argv.slice(2);
if (!url) {
  console.error('usage: node bench/frames.mjs SERVED_URL [OTHER_BUILD_URL...]');
  process.exit(2);
}
const PODS = 1000;
const SAMPLE_MS = 8000;
const nodes = ['kind-control-plane', ...Array.from({ length: 10 }, (_, i) => (i ? `kind-worker${i + 1}` : 'kind-worker'))];
const manifest = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: big
spec:
  replicas: ${PODS}
  podManagementPolicy: Parallel
  serviceName: big
  selector:
    matchLabels:
      app: big
  template:
    metadata:
      labels:
        app: big
    spec:
      containers:
      - name: app
        image: registry.k8s.io/nginx-slim:0.24
`;

const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
};
const ms = (x) => `${x.toFixed(1)} ms`;

// The moment the first pod card is in the document, taken inside the page
// (a MutationObserver installed before any script runs), so the driver's
// round trips do not count; the User Timing marks; the first contentful paint.
// Every load has a browser of its own: a page in a browser that has already
// run the same wasm reuses the functions V8 compiled for it, which is not a
// learner's first visit.
async function load(target) {
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-pod="web-0"]')) {
        window.__firstPodAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
    // Element Timing: when the cluster panel's heading (elementtiming=
    // "cluster") is on screen. It is drawn in the frame that first shows the
    // pod cards (which then fade in over 0.3 s).
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.identifier === 'cluster') window.__podPaintAt ??= entry.renderTime;
      }
    }).observe({ type: 'element', buffered: true });
  });
  await page.goto(target);
  // Waited for inside the page: Playwright's waitForSelector and
  // waitForFunction first inject its script (12–21 ms of the main thread),
  // which lands between the first frame's commit and its presentation, a
  // cost a learner's page does not have. A build from before the heading had
  // elementtiming reports no paint time: it is waited for 3 s at most.
  await page.evaluate(() => new Promise((done) => {
    const until = performance.now() + 30000;
    const poll = () => {
      const painted = window.__podPaintAt !== undefined
        || (window.__firstPodAt !== undefined && performance.now() > window.__firstPodAt + 3000);
      const fcp = performance.getEntriesByName('first-contentful-paint').length > 0;
      if ((painted && fcp) || performance.now() > until) done(); else setTimeout(poll, 50);
    };
    poll();
  }));
  const r = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    return {
      podsPainted: window.__podPaintAt ?? NaN,
      pods: window.__firstPodAt,
      started: at('ordinal:start'),
      built: at('ordinal:cluster-built'),
      paint: at('first-contentful-paint'),
    };
  });
  await browser.close();
  return r;
}
const report = (label, runs) => {
  const m = (k) => ms(stats(runs.map((r) => r[k])).p50);
  console.log(`${label}time to first interactive render (navigation start → pod cards painted, ${runs.length} loads): median ${m('podsPainted')}, max ${ms(stats(runs.map((r) => r.podsPainted)).max)}; in the document at ${m('pods')}; first contentful paint (the "starting" placeholder) ${m('paint')}`);
  console.log(`  phases (medians): wasm running at ${m('started')}, cluster booted and sample applied at ${m('built')} (boot ${ms(stats(runs.map((r) => r.built - r.started)).p50)}), pod cards at ${m('pods')}`);
};
if (others.length) {
  // Builds compared side by side: loads alternate between them, so that the
  // machine's changing load falls on each alike.
  const targets = [url, ...others];
  const runs = targets.map(() => []);
  for (let round = 0; round < 10; round++) {
    for (const [i, target] of targets.entries()) runs[i].push(await load(target));
  }
  for (const [i, target] of targets.entries()) report(`${target}\n  `, runs[i]);
  process.exit(0);
}
const runs = [];
for (let run = 0; run < 7; run++) runs.push(await load(url));
report('', runs);

const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${url}?nodes=${nodes.join(',')}`);
await page.waitForSelector('#apply', { timeout: 30000 });
await page.click('#speed-fast');
await page.fill('#manifest', manifest);
await page.click('#apply');
await page.waitForFunction(() => document.querySelector('#focus').value === 'default/big', null, { timeout: 30000 });
const frames = await page.evaluate((sampleMs) => new Promise((done) => {
  const gaps = [];
  let last = performance.now();
  const end = last + sampleMs;
  const frame = (now) => {
    gaps.push(now - last);
    last = now;
    if (now < end) requestAnimationFrame(frame); else done(gaps);
  };
  requestAnimationFrame(frame);
}), SAMPLE_MS);
const ready = (await page.textContent('.controls .meta')).match(/ready: (\d+)/)[1];
const f = stats(frames);
console.log(`frames with ${PODS} pods animating at 20x (${f.n} frames in ${SAMPLE_MS / 1000} s, ${ready} pods Ready at the end): mean ${ms(f.mean)}, median ${ms(f.p50)}, p95 ${ms(f.p95)}, max ${ms(f.max)}`);
await page.screenshot({ path: 'target/e2e/bench-1000-pods.png' });
await browser.close();
