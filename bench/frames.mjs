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
import { chromium } from 'playwright-core';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node bench/frames.mjs SERVED_URL');
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

const browser = await chromium.launch({
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
// round trips do not count.
const firstRender = [];
const firstPaint = [];
const started = [];
const built = [];
for (let run = 0; run < 5; run++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-pod="web-0"]')) {
        window.__firstPodAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  await page.waitForSelector('[data-pod="web-0"]', { timeout: 30000 });
  firstRender.push(await page.evaluate(() => window.__firstPodAt));
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  started.push(marks['ordinal:start']);
  built.push(marks['ordinal:cluster-built']);
  firstPaint.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
  await page.close();
}
const fr = stats(firstRender);
const fp = stats(firstPaint);
console.log(`time to first interactive render (navigation start → pod cards in the document, ${fr.n} loads): median ${ms(fr.p50)}, max ${ms(fr.max)}; first contentful paint median ${ms(fp.p50)}`);
console.log(`  phases (medians): wasm running at ${ms(stats(started).p50)}, cluster booted and sample applied at ${ms(stats(built).p50)}, pod cards at ${ms(fr.p50)}`);

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
