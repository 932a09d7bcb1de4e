// End-to-end tests of the playground in Debian's Chromium, driven by playwright-core.
//
// Usage: node e2e/playground.mjs SERVED_URL OFFLINE_FILE_URL
// For each page: it must render, start the simulated cluster, scale the
// StatefulSet when the learner clicks, and print help and explain texts
// (loaded only when asked for); no console error or warning, and no request may
// leave the page's own origin (the offline file must make none at all besides
// file: and data: URLs). One test checks accessibility in both themes: AA
// contrast of all text, keyboard reach and focus rings, the live region and
// reduced motion. Screenshots go to target/e2e/. Ends with
// `e2e: N passed, M failed`.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';

const [servedUrl, offlineUrl] = process.argv.slice(2);
if (!servedUrl || !offlineUrl) {
  console.error('usage: node e2e/playground.mjs SERVED_URL OFFLINE_FILE_URL');
  process.exit(2);
}
mkdirSync('target/e2e', { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

// E2E_ONLY=TEXT runs only the tests whose names contain TEXT.
const only = process.env.E2E_ONLY;
let passed = 0;
let failed = 0;
async function test(name, fn) {
  if (only && !name.includes(only)) return;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.__requests = [];
  page.on('request', (r) => page.__requests.push(r.url()));
  try {
    await fn(page, problems);
    if (problems.length) throw new Error(problems.join('\n'));
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.message || e).split('\n').join('\n     ')}`);
    await page.screenshot({ path: `target/e2e/FAILED-${name.replace(/\W+/g, '-')}.png` }).catch(() => {});
  } finally {
    await page.close();
  }
}

// Names of the pod cards, in page order, with their status text.
const pods = (page) => page.$$eval('[data-pod]', (els) => els.map((e) => `${e.dataset.pod}:${e.dataset.status}`));

async function waitForPods(page, expected, timeout = 30000) {
  await page.waitForFunction(
    (want) => [...document.querySelectorAll('[data-pod]')]
      .map((e) => `${e.dataset.pod}:${e.dataset.status}`).join(',') === want,
    expected.join(','), { timeout },
  ).catch(async () => {
    throw new Error(`expected pods ${expected.join(',')}, page shows ${(await pods(page)).join(',')}`);
  });
}

// Opens the playground and runs it at 20x until the sample's two pods run.
async function startRunning(page) {
  await page.goto(servedUrl);
  await page.waitForSelector('#scale-up', { timeout: 20000 });
  await page.click('#speed-fast');
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
}

function checkOrigins(page, allowed) {
  const outside = page.__requests.filter((u) => !allowed(new URL(u)));
  if (outside.length) throw new Error(`requests outside the page's origin: ${outside.join(', ')}`);
}

async function scaleScenario(page, url, shot) {
  await page.goto(url);
  await page.waitForSelector('#scale-up', { timeout: 20000 });
  await page.click('#speed-fast');
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  await page.click('#scale-up');
  const replicas = await page.textContent('#replicas');
  if (!replicas.includes('3')) throw new Error(`replicas readout after one click: ${replicas}`);
  await waitForPods(page, ['web-0:Running', 'web-1:Running', 'web-2:Running']);
  await page.fill('#command', 'kubectl get pods');
  await page.press('#command', 'Enter');
  await page.waitForFunction(
    () => document.querySelector('#terminal').textContent.includes('$ kubectl get pods\nNAME    READY   STATUS'),
    null, { timeout: 5000 },
  ).catch(() => { throw new Error('kubectl get pods typed in the terminal printed no pod table'); });
  // Tab completes a command's flags, and lists the choices when several remain.
  await page.fill('#command', 'kubectl get pods --all-n');
  await page.press('#command', 'Tab');
  const completed = await page.inputValue('#command');
  if (completed !== 'kubectl get pods --all-namespaces ') throw new Error(`Tab completed the flag to ${JSON.stringify(completed)}`);
  await page.fill('#command', 'kubectl run x --im');
  await page.press('#command', 'Tab');
  await page.waitForSelector('#completions', { timeout: 5000 });
  const choices = await page.textContent('#completions');
  if (!choices.includes('--image=') || !choices.includes('--image-pull-policy=')) throw new Error(`Tab listed ${JSON.stringify(choices)}`);
  if ((await page.inputValue('#command')) !== 'kubectl run x --image') throw new Error('Tab did not extend the flag to the choices\' shared part');
  // Names complete from the type asked for: the StatefulSet, not its pods.
  await page.fill('#command', 'kubectl get statefulsets w');
  await page.press('#command', 'Tab');
  const named = await page.inputValue('#command');
  if (named !== 'kubectl get statefulsets web ') throw new Error(`Tab completed a StatefulSet's name to ${JSON.stringify(named)}`);
  await page.screenshot({ path: `target/e2e/${shot}.png`, fullPage: true });
  await page.fill('#command', '');
  if (await page.$('#completions')) throw new Error('the choices stay after the line changed');
}

await test('served page scales the StatefulSet', async (page) => {
  await scaleScenario(page, servedUrl, 'served');
  const own = new URL(servedUrl).origin;
  checkOrigins(page, (u) => u.origin === own || u.protocol === 'data:');
});

await test('offline single file works from file:// with no network', async (page) => {
  await scaleScenario(page, offlineUrl, 'offline');
  checkOrigins(page, (u) => u.protocol === 'file:' || u.protocol === 'data:');
});

await test('while the wasm loads the page says the cluster is starting; the playground replaces it', async (page) => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*_bg.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(servedUrl, { waitUntil: 'domcontentloaded' });
  const waiting = await page.textContent('#boot');
  if (!waiting.includes('Starting the simulated cluster') || !waiting.includes('正在启动模拟集群')) {
    throw new Error(`placeholder while the wasm loads: ${JSON.stringify(waiting)}`);
  }
  await page.screenshot({ path: 'target/e2e/starting.png' });
  // The stylesheet and the wasm-bindgen glue are in the page itself: the
  // wasm is the only other request before the playground draws.
  const loaded = page.__requests.map((u) => new URL(u).pathname.replace(/^.*\//, '/'));
  if (loaded.length !== 2 || loaded[0] !== '/' || !loaded[1].endsWith('_bg.wasm')) {
    throw new Error(`requests before the first frame: ${JSON.stringify(loaded)}`);
  }
  release();
  await page.waitForSelector('[data-pod="web-0"]', { timeout: 20000 });
  if (await page.$('#boot')) throw new Error('the placeholder is still in the page beside the playground');
  if ((await page.$$('header.top')).length !== 1) throw new Error('more than one page header');
});

await test('a wasm that cannot be loaded is reported on the page instead of the placeholder', async (page, problems) => {
  await page.route('**/*_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(servedUrl);
  await page.waitForFunction(() => document.body.textContent.includes('Ordinal could not start'), null, { timeout: 20000 });
  // The browser's own report of the failed request is expected; nothing else.
  const unexpected = problems.filter((p) => !p.includes('404'));
  if (unexpected.length) throw new Error(unexpected.join('\n'));
  problems.length = 0;
});

await test('switching to Chinese translates the page, and it survives a reload', async (page) => {
  await page.goto(servedUrl);
  await page.waitForSelector('#lang-switch', { timeout: 20000 });
  if ((await page.getAttribute('html', 'lang')) !== 'en') await page.click('#lang-switch');
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-Hans', null, { timeout: 5000 });
  const title = await page.textContent('#terminal-title');
  if (title !== '终端') throw new Error(`terminal title in Chinese: ${title}`);
  await page.click('#scale-up');
  await page.reload();
  await page.waitForSelector('#lang-switch', { timeout: 20000 });
  const replicas = await page.textContent('#replicas');
  if (!(await page.$('#notice'))) throw new Error('no notice that saved commands were replayed');
  if (replicas !== '副本数: 3') throw new Error(`after reload the replica readout is ${replicas}`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'target/e2e/chinese-dark.png', fullPage: true });
  await page.click('#reset');
  await page.waitForFunction(() => document.querySelector('#replicas').textContent === '副本数: 2', null, { timeout: 5000 });
  if (await page.$('#notice')) throw new Error('the "commands replayed" notice stays after Reset');
  await page.click('#lang-switch');
});

await test('sandboxed iframe without storage still runs and says so', async (page) => {
  // An opaque-origin iframe, where localStorage throws, as on sites that embed the page.
  // Both documents are answered by the test itself; nothing reaches the network.
  const offline = readFileSync(new URL(offlineUrl), 'utf8');
  const base = new URL(servedUrl).origin;
  await page.route(`${base}/embed/**`, (route) => route.fulfill({
    contentType: 'text/html',
    body: route.request().url().endsWith('host.html')
      ? '<iframe sandbox="allow-scripts" src="ordinal.html" style="width:1200px;height:700px;border:0"></iframe>'
      : offline,
  }));
  await page.goto(`${base}/embed/host.html`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('#notice', { timeout: 20000 });
  await frame.waitForSelector('[data-pod="web-0"]', { timeout: 20000 });
  await page.screenshot({ path: 'target/e2e/sandboxed.png' });
  checkOrigins(page, (u) => u.origin === base || u.protocol === 'data:');
});

// Polls the pod cards until `done(cards)` holds, recording the order in which
// each pod name first satisfies `seen(card)`; cards are {pod, status}.
async function watchOrder(page, seen, done, timeout = 30000) {
  const order = [];
  const start = Date.now();
  for (;;) {
    const cards = await page.$$eval('[data-pod]', (els) => els.map((e) => ({ pod: e.dataset.pod, status: e.dataset.status })));
    for (const c of cards) if (seen(c) && !order.includes(c.pod)) order.push(c.pod);
    if (done(cards, order)) return order;
    if (Date.now() - start > timeout) throw new Error(`timed out; saw ${order.join(',')}; page shows ${cards.map((c) => `${c.pod}:${c.status}`).join(',')}`);
    await page.waitForTimeout(20);
  }
}

const dnsIp = (page, pod) => page.$eval(`[data-dns^="${pod}."] .ip`, (e) => e.textContent);

await test('learner scenario: example, scale 5 then 2, delete web-0, update image, Chinese', async (page) => {
  await page.goto(servedUrl);
  await page.waitForSelector('#apply', { timeout: 20000 });
  await page.click('#speed-fast');
  await page.selectOption('#example', 'nginx-web');
  await page.click('#apply');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('$ kubectl apply -f - <<EOF'), null, { timeout: 5000 });
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  await page.waitForFunction(() => !document.querySelector('#dns .ip').textContent.includes('DNS'), null, { timeout: 10000 });
  await page.fill('#replicas-input', '5');
  await page.click('#set-replicas');
  const up = await watchOrder(page, (c) => true, (cards) => cards.length === 5 && cards.every((c) => c.status === 'Running'));
  if (up.slice(2).join(',') !== 'web-2,web-3,web-4') throw new Error(`scale-up order ${up.join(',')}`);
  if (!(await page.textContent('#terminal')).includes('$ kubectl scale statefulset web --replicas=5')) throw new Error('no scale command in the terminal');
  await page.waitForSelector('[data-claim="www-web-4"][data-phase="Bound"]', { timeout: 10000 });
  await page.screenshot({ path: 'target/e2e/learner-scaled-5.png', fullPage: true });
  // At 20x a whole termination fits between two frames; watch it at 1x.
  await page.click('#speed-1x');
  await page.fill('#replicas-input', '2');
  await page.click('#set-replicas');
  const down = await watchOrder(page, (c) => c.status === 'Terminating', (cards) => cards.length === 2);
  if (down.join(',') !== 'web-4,web-3,web-2') throw new Error(`scale-down order ${down.join(',')}`);
  if (!(await page.$('[data-claim="www-web-4"]'))) throw new Error('the claim of web-4 went away with its pod');
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  const ipBefore = await dnsIp(page, 'web-0');
  await page.click('[data-pod="web-0"] .delete');
  await page.waitForSelector('[data-pod="web-0"][data-status="Terminating"]', { timeout: 5000 });
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  await page.waitForFunction(() => !document.querySelector('[data-dns^="web-0."] .ip').textContent.includes('DNS'), null, { timeout: 10000 });
  const ipAfter = await dnsIp(page, 'web-0');
  const claim = await page.textContent('[data-claim="www-web-0"]');
  if (!claim.includes('used by web-0')) throw new Error(`web-0 came back without its claim: ${claim}`);
  if (ipAfter === ipBefore) throw new Error(`web-0 came back with the same IP ${ipAfter}`);
  await page.fill('#image-input', 'registry.k8s.io/nginx-slim:0.27');
  await page.click('#update-image');
  const rolled = await watchOrder(page, (c) => c.status === 'Terminating', (cards, order) => order.length === 2);
  if (rolled.join(',') !== 'web-1,web-0') throw new Error(`rolling update order ${rolled.join(',')}`);
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  await page.click('#inspect-set');
  await page.waitForFunction(() => document.querySelector('#inspect-output').textContent.includes('nginx-slim:0.27'), null, { timeout: 5000 });
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('#cluster-title').textContent === '集群', null, { timeout: 5000 });
  await page.screenshot({ path: 'target/e2e/learner-chinese.png', fullPage: true });
});

await test('a typed watch streams live until Ctrl+C; editor text and strategy survive a reload', async (page) => {
  await startRunning(page);
  await page.fill('#command', 'kubectl get pods -w');
  await page.press('#command', 'Enter');
  const term = () => page.textContent('#terminal');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('$ kubectl get pods -w\nNAME    READY   STATUS'), null, { timeout: 5000 });
  await page.waitForSelector('.hint.streaming .stop', { timeout: 5000 });
  await page.click('#scale-up');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('web-2   1/1     Running'), null, { timeout: 20000 })
    .catch(async () => { throw new Error(`the watch printed no line for web-2:\n${await term()}`); });
  const text = await term();
  if (text.indexOf('web-2   0/1     Pending') > text.indexOf('web-2   1/1     Running')) throw new Error(`watch lines out of order:\n${text}`);
  await page.screenshot({ path: 'target/e2e/streaming-watch.png', fullPage: true });
  await page.focus('#command');
  await page.keyboard.press('Control+c');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.endsWith('^C\n'), null, { timeout: 5000 });
  if (await page.$('.hint.streaming')) throw new Error('the streaming hint stays after Ctrl+C');
  const manifest = `${await page.inputValue('#manifest')}# my notes\n`;
  await page.fill('#manifest', manifest);
  await page.selectOption('#strategy', 'OnDelete');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('statefulset.apps/web patched'), null, { timeout: 5000 });
  await page.reload();
  await page.waitForSelector('#scale-up', { timeout: 20000 });
  if ((await page.inputValue('#manifest')) !== manifest) throw new Error('the editor text was not restored');
  if ((await page.inputValue('#strategy')) !== 'OnDelete') throw new Error('the update strategy did not come back');
  if (!(await term()).includes('^C')) throw new Error('the replayed terminal lost the interrupted watch');
});

await test('node failure: power off a worker, web-1 stays Terminating until force-deleted, returns when the node does', async (page) => {
  await page.goto(`${servedUrl}?nodes=kind-control-plane,kind-worker,kind-worker2`);
  await page.waitForSelector('#scale-up', { timeout: 20000 });
  await page.click('#speed-fast');
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  const lane = await page.$eval('[data-pod="web-1"]', (e) => e.closest('.lane').dataset.node);
  await page.click(`.lane[data-node="${lane}"] .power`);
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('$ docker stop kind-worker'), null, { timeout: 5000 });
  await page.waitForSelector(`.lane.down[data-node="${lane}"][data-node-status="NotReady"]`, { timeout: 15000 });
  await page.waitForSelector('[data-pod="web-1"][data-status="Terminating"]', { timeout: 40000 });
  const why = await page.textContent('#waiting');
  if (!why.includes(`web-1 is stuck on ${lane}`)) throw new Error(`no at-most-one explanation: ${why}`);
  await page.screenshot({ path: 'target/e2e/node-failure.png', fullPage: true });
  await page.click('[data-pod="web-1"] .force');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('pod "web-1" force deleted from default namespace'), null, { timeout: 5000 });
  await page.waitForSelector('[data-pod="web-1"][data-status="Pending"]', { timeout: 10000 });
  await page.click(`.lane[data-node="${lane}"] .power`);
  await page.waitForSelector(`.lane[data-node="${lane}"][data-node-status="Ready"]:not(.down)`, { timeout: 15000 });
  await page.waitForSelector(`.lane[data-node="${lane}"] [data-pod="web-1"][data-status="Running"]`, { timeout: 30000 });
});

await test('deployment contrast: Deployment pods beside the StatefulSet\'s, scaled from the focus selector', async (page) => {
  await page.goto(servedUrl);
  await page.waitForSelector('#apply', { timeout: 20000 });
  await page.click('#speed-fast');
  await page.selectOption('#example', 'deployment-contrast');
  await page.click('#apply');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('deployment.apps/nginx created'), null, { timeout: 5000 });
  const kinds = () => page.$$eval('[data-pod]', (els) => els.map((e) => `${e.dataset.owner}:${e.dataset.status}`));
  const running = (want) => page.waitForFunction((w) => {
    const cards = [...document.querySelectorAll('[data-pod]')];
    const count = (owner) => cards.filter((e) => e.dataset.owner === owner && e.dataset.status === 'Running').length;
    return count('StatefulSet web') === w.sts && count('Deployment nginx') === w.deploy
      && cards.length === w.sts + w.deploy;
  }, want, { timeout: 30000 }).catch(async () => { throw new Error(`expected ${JSON.stringify(want)}, page shows ${(await kinds(page)).join(',')}`); });
  await running({ sts: 2, deploy: 3 });
  const names = await page.$$eval('li.pod.deployment', (els) => els.map((e) => e.dataset.pod));
  if (!names.every((n) => /^nginx-[a-z0-9]+-[a-z0-9]{5}$/.test(n))) throw new Error(`Deployment pod names ${names.join(',')}`);
  const chip = await page.textContent('li.pod.deployment .owner');
  if (chip !== 'Deployment nginx') throw new Error(`owner chip ${chip}`);
  if (await page.$('[data-dns^="nginx-"]')) throw new Error('a Deployment pod has a DNS row');
  if (await page.$('[data-claim*="nginx-"]')) throw new Error('a Deployment pod has a claim');
  if ((await page.inputValue('#focus')) !== 'deployment/default/nginx') throw new Error('the applied Deployment is not focused');
  await page.selectOption('#focus', 'default/web');
  await page.waitForSelector('#partition-input', { timeout: 5000 });
  await page.selectOption('#focus', 'deployment/default/nginx');
  await page.waitForSelector('#deployment-help', { timeout: 5000 });
  if (await page.$('#partition-input')) throw new Error('a Deployment offers a partition');
  await page.click('#scale-up');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('$ kubectl scale deployment/nginx --replicas=4\ndeployment.apps/nginx scaled'), null, { timeout: 5000 })
    .catch(() => { throw new Error('no kubectl scale deployment/nginx in the terminal'); });
  await running({ sts: 2, deploy: 4 });
  await page.screenshot({ path: 'target/e2e/deployment-contrast.png', fullPage: true });
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('#controls-title').textContent === '工作负载', null, { timeout: 5000 });
  await page.screenshot({ path: 'target/e2e/deployment-contrast-chinese.png', fullPage: true });
  await page.click('#lang-switch');
});

await test('bare pods: kubectl run draws a bare Pod card; a one-shot pod runs, completes and goes', async (page) => {
  await page.goto(servedUrl);
  await page.waitForSelector('#command', { timeout: 20000 });
  await page.click('#speed-fast');
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  const typed = async (line) => {
    await page.fill('#command', line);
    await page.press('#command', 'Enter');
  };
  await typed('kubectl run web-client --image=busybox:1.28 -- sleep 3600');
  await page.waitForSelector('[data-pod="web-client"][data-status="Running"]', { timeout: 20000 });
  const chip = await page.textContent('[data-pod="web-client"] .owner');
  if (chip !== 'bare Pod') throw new Error(`owner chip of a bare pod: ${chip}`);
  if ((await page.getAttribute('[data-pod="web-client"]', 'data-owner')) !== 'Pod') throw new Error('data-owner of a bare pod');
  if (await page.$('[data-dns^="web-client."]')) throw new Error('a bare pod without hostname/subdomain has a DNS row');
  // At 1x a one-shot pod is seen running, then Completed; deleted, it goes.
  await page.click('#speed-1x');
  await typed('kubectl run dns-test --image=busybox:1.28 --restart=Never -- nslookup web-0.nginx');
  const seen = [];
  for (const start = Date.now(); seen.at(-1) !== 'Completed';) {
    const status = await page.getAttribute('[data-pod="dns-test"]', 'data-status', { timeout: 20000 });
    if (status !== seen.at(-1)) seen.push(status);
    if (Date.now() - start > 20000) throw new Error(`dns-test went ${seen.join(' -> ')}, never Completed`);
    await page.waitForTimeout(20);
  }
  if (!seen.includes('Running')) throw new Error(`dns-test went ${seen.join(' -> ')}, never Running`);
  if ((await page.textContent('[data-pod="dns-test"] .owner')) !== 'bare Pod') throw new Error('the one-shot pod is not a bare Pod');
  if (!(await page.$('[data-pod="dns-test"].done'))) throw new Error('a Completed card is not marked done');
  await page.screenshot({ path: 'target/e2e/bare-pods.png', fullPage: true });
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('[data-pod="web-client"] .owner').textContent === '裸 Pod', null, { timeout: 5000 })
    .catch(() => { throw new Error('the bare Pod chip is not translated'); });
  await page.click('#lang-switch');
  await typed('kubectl delete pod dns-test --wait=false');
  await page.waitForFunction(() => !document.querySelector('[data-pod="dns-test"]'), null, { timeout: 20000 })
    .catch(() => { throw new Error('the deleted one-shot pod stays on screen'); });
  // kubectl run -it --rm: the terminal stays attached while the pod runs,
  // exits and is deleted; every status the page drew is recorded.
  await page.evaluate(() => {
    window.__seen = [];
    const note = () => {
      const card = document.querySelector('[data-pod="dns-rm"]');
      const status = card ? card.dataset.status : 'gone';
      if (window.__seen.at(-1) !== status) window.__seen.push(status);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  await typed('kubectl run -it --rm dns-rm --image=busybox:1.28 --restart=Never -- nslookup web-0.nginx');
  await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('web-0.nginx.default.svc.cluster.local\npod "dns-rm" deleted from default namespace'), null, { timeout: 20000 })
    .catch(async () => { throw new Error(`no nslookup output and deletion in the terminal:\n${await page.textContent('#terminal')}`); });
  await page.waitForFunction(() => window.__seen.at(-1) === 'gone', null, { timeout: 5000 });
  const rm = await page.evaluate(() => window.__seen);
  const at = (s) => rm.indexOf(s);
  if (!(at('Running') > 0 && at('Completed') > at('Running'))) throw new Error(`kubectl run --rm pod went ${rm.join(' -> ')}`);
});

await test('switching focus keeps the cards on screen without replaying their appear animation', async (page) => {
  await page.goto(servedUrl);
  await page.waitForSelector('#apply', { timeout: 20000 });
  await page.click('#speed-fast');
  await page.selectOption('#example', 'deployment-contrast');
  await page.click('#apply');
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('li.pod')];
    return cards.length === 5 && cards.every((e) => e.dataset.status === 'Running' && !e.classList.contains('entering'));
  }, null, { timeout: 30000 }).catch(async () => { throw new Error(`cards never settled: ${(await pods(page)).join(',')}`); });
  const first = () => page.$eval('li.pod', (e) => e.dataset.owner);
  if ((await first()) !== 'Deployment nginx') throw new Error('the focused Deployment\'s pods are not first');
  await page.$$eval('li.pod', (els) => els.forEach((e) => { e.__kept = true; }));
  await page.selectOption('#focus', 'default/web');
  await page.waitForFunction(() => document.querySelector('li.pod').dataset.owner === 'StatefulSet web', null, { timeout: 5000 });
  const after = await page.$$eval('li.pod', (els) => els.map((e) => ({
    pod: e.dataset.pod, kept: e.__kept === true, entering: e.classList.contains('entering'),
    animations: e.getAnimations().length,
  })));
  const replayed = after.filter((c) => !c.kept || c.entering || c.animations);
  if (after.length !== 5 || replayed.length) throw new Error(`cards replaced or animating after the focus switch: ${JSON.stringify(replayed)}`);
  // A new pod is still animated in (in the unscheduled lane first, then its
  // node's); the cards already there stay as they are.
  await page.click('#scale-up');
  await page.waitForSelector('li.pod.entering[data-pod="web-2"]', { timeout: 10000 });
  await page.waitForSelector('[data-node="kind-control-plane"] [data-pod="web-2"]', { timeout: 10000 });
  const others = await page.$$eval('li.pod:not([data-pod="web-2"])', (els) => els
    .filter((e) => !e.__kept || e.classList.contains('entering') || e.getAnimations().length).map((e) => e.dataset.pod));
  if (others.length) throw new Error(`cards redrawn when web-2 was added: ${others.join(',')}`);
});

// Types help and explain lines: their texts are not in the wasm but loaded
// when first needed (docs.txt beside the page, or inlined in the offline file).
async function helpScenario(page, url) {
  await page.goto(url);
  await page.waitForSelector('#command', { timeout: 20000 });
  if (page.__requests.some((u) => u.endsWith('/docs.txt'))) throw new Error('docs.txt loaded before anyone asked for help');
  const typed = async (line, text, what) => {
    await page.fill('#command', line);
    await page.press('#command', 'Enter');
    await page.waitForFunction(
      (want) => document.querySelector('#terminal').textContent.includes(want), text, { timeout: 10000 },
    ).catch(() => { throw new Error(`${line} printed no ${what}`); });
  };
  await typed('kubectl explain statefulset.spec.replicas',
    'replicas is the desired number of replicas of the given Template. These are', 'field description');
  await typed('kubectl scale --help',
    'Set a new size for a deployment, replica set, replication controller, or stateful set.', 'help text');
}

// WCAG 2 contrast of every piece of visible text on the page, computed in the
// page: each text's colour over the backgrounds behind it (translucent ones
// blended, up to the first opaque one), 4.5:1 for normal text and 3:1 for
// large text (24px, or 18.66px bold), translucent ancestors counted.
// Disabled controls and text hidden from
// sight (screen-reader-only, transparent) are exempt, as in WCAG 1.4.3.
// Returns the texts that fall short, with their colours and ratio.
const contrastFailures = (page) => page.evaluate(() => {
  const rgba = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return bg;
  };
  const hidden = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none' || s.clip === 'rect(0px, 0px, 0px, 0px)'
        || Number(s.opacity) === 0) return true;
    }
    return el.getClientRects().length === 0;
  };
  // A translucent ancestor (a card fading out) shows its text that much
  // paler over what is behind it.
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const failures = [];
  const seen = new Set();
  const check = (el, text) => {
    if (seen.has(el) || hidden(el) || el.closest(':disabled')) return;
    seen.add(el);
    const s = getComputedStyle(el);
    const fg = rgba(s.color);
    if (!fg || fg[3] === 0) return;
    fg[3] *= opacity(el);
    const bg = background(el);
    const r = ratio(over(fg, bg), bg);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    if (r < (large ? 3 : 4.5)) {
      failures.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ${JSON.stringify(text.slice(0, 30))}: ${s.color} on rgb(${bg.slice(0, 3).map(Math.round)}) = ${r.toFixed(2)}:1`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.textContent.trim()) check(n.parentElement, n.textContent.trim());
  }
  // Typed-in and chosen values (a range or a checkbox shows no text).
  for (const el of document.querySelectorAll('input[type="text"], input[type="number"], input:not([type]), select')) {
    if (el.value) check(el, el.value);
  }
  return failures;
});

// The controls a keyboard user must reach: every visible, enabled one (those
// in a closed <details> are not on screen until its summary opens it).
const controls = (page) => page.evaluate(() => [...document.querySelectorAll(
  'button, input, select, textarea, summary, a[href], [tabindex="0"]',
)].filter((e) => !e.disabled && e.checkVisibility({ visibilityProperty: true }))
  .map((e) => e.id || `${e.tagName.toLowerCase()}:${(e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40)}`));

await test('accessibility: AA contrast in light and dark themes, every control reached and visibly focused by keyboard, reduced motion', async (page) => {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    // A fresh playground each time (the page saves the learner's commands):
    // the page is left first, so that nothing it saves comes after the clear.
    await page.goto('about:blank');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(servedUrl).origin, storageTypes: 'local_storage' });
    await cdp.detach();
    await startRunning(page);
    await page.fill('#command', 'kubectl get pods');
    await page.press('#command', 'Enter');
    await page.waitForSelector('#events-title', { timeout: 10000 });
    const failures = await contrastFailures(page);
    if (failures.length) throw new Error(`${scheme} theme, text below AA contrast:\n${failures.join('\n')}`);
    await page.screenshot({ path: `target/e2e/contrast-${scheme}.png`, fullPage: true });
    // A pod on its way out (its card set apart) is as readable.
    await page.click('#speed-1x');
    await page.click('#scale-down');
    await page.waitForSelector('[data-pod="web-1"][data-status="Terminating"]', { timeout: 10000 });
    const leaving = await contrastFailures(page);
    if (leaving.length) throw new Error(`${scheme} theme, a Terminating pod's card below AA contrast:\n${leaving.join('\n')}`);
    // The editor marking a mistake, and the inspector open.
    await page.fill('#manifest', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containrs: []\n');
    await page.waitForSelector('#problems li', { timeout: 5000 });
    await page.click('#inspect-set');
    await page.waitForFunction(() => document.querySelector('#inspect-output')?.textContent.includes('kind: StatefulSet'), null, { timeout: 5000 });
    const states = await contrastFailures(page);
    if (states.length) throw new Error(`${scheme} theme, editor problems or the inspector below AA contrast:\n${states.join('\n')}`);
    await page.screenshot({ path: `target/e2e/contrast-states-${scheme}.png`, fullPage: true });
  }
  // Keyboard: from the top of the page, Tab reaches every control, each
  // shows a focus ring (its own outline or box shadow, or its frame's), and
  // the scale button works from the keyboard.
  await page.click('#play');
  const wanted = await controls(page);
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const reached = new Set();
  const unringed = [];
  for (let i = 0; i < wanted.length + 20; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const ring = (x) => {
        const s = getComputedStyle(x);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      };
      const ringed = [e, e.parentElement, e.parentElement?.parentElement].some((x) => x && ring(x));
      return { id: e.id || `${e.tagName.toLowerCase()}:${(e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40)}`, ringed };
    });
    if (!focused) continue;
    reached.add(focused.id);
    if (!focused.ringed && !unringed.includes(focused.id)) unringed.push(focused.id);
  }
  const missed = wanted.filter((c) => !reached.has(c));
  if (missed.length) throw new Error(`not reached with Tab: ${missed.join(', ')}`);
  if (unringed.length) throw new Error(`no visible focus ring on: ${unringed.join(', ')}`);
  const count = async () => Number((await page.textContent('#replicas')).match(/\d+/)[0]);
  const before = await count();
  await page.focus('#scale-up');
  await page.keyboard.press('Enter');
  if ((await count()) !== before + 1) throw new Error(`Enter on the focused + button: replicas ${before} -> ${await count()}`);
  // The live region announces what just happened: the new pod's events.
  await page.click('#play');
  await page.waitForFunction((pod) => document.querySelector('.events [aria-live]')?.textContent.includes(pod), `web-${before}`, { timeout: 10000 })
    .catch(async () => { throw new Error(`live region says ${JSON.stringify(await page.textContent('.events [aria-live]'))}`); });
  // Reduced motion: new cards and DNS rows do not animate; without the
  // preference they do.
  const animated = () => page.evaluate(() => [...document.querySelectorAll('li.pod, li.claim, table.dns tr')]
    .filter((e) => getComputedStyle(e).animationName !== 'none').length);
  if (await animated()) throw new Error('cards animate although the learner asked for reduced motion');
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.click('#scale-up');
  await page.waitForSelector('li.pod.entering', { timeout: 10000 });
  if (!(await animated())) throw new Error('no animation without the reduced-motion preference: the check above proves nothing');
  // A powered-off node's lane, in both themes.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.click('.lane[data-node="kind-control-plane"] .power');
  await page.waitForSelector('.lane.down[data-node="kind-control-plane"]', { timeout: 5000 });
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    const down = await contrastFailures(page);
    if (down.length) throw new Error(`${scheme} theme, a stopped node's lane below AA contrast:\n${down.join('\n')}`);
  }
});

await test('accessibility: AA contrast of Deployment, bare and failing pods\' cards and of the Chinese page, in both themes', async (page) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await startRunning(page);
  await page.selectOption('#example', 'deployment-contrast');
  await page.click('#apply');
  await page.fill('#command', 'kubectl run bad --image=nginx:doesnotexist');
  await page.press('#command', 'Enter');
  await page.fill('#command', 'kubectl run crash --image=busybox -- sh -c "exit 1"');
  await page.press('#command', 'Enter');
  await page.waitForSelector('[data-pod="bad"][data-status="ImagePullBackOff"]', { timeout: 30000 });
  await page.waitForSelector('[data-pod="crash"][data-status="CrashLoopBackOff"]', { timeout: 30000 });
  await page.waitForSelector('li.pod.deployment', { timeout: 5000 });
  // A Deployment's pods on their way out are set apart from its running one.
  await page.click('#speed-1x');
  await page.fill('#command', 'kubectl scale deployment nginx --replicas=1');
  await page.press('#command', 'Enter');
  await page.waitForSelector('li.pod.deployment.leaving', { timeout: 10000 });
  const styles = await page.$$eval('li.pod.deployment', (els) => els.map((e) => `${e.classList.contains('leaving')}:${getComputedStyle(e).borderTopStyle}`));
  if (!styles.includes('true:dashed') || !styles.includes('false:dotted')) throw new Error(`Deployment cards' borders: ${styles}`);
  for (const lang of ['en', 'zh']) {
    if (lang === 'zh') await page.click('#lang-switch');
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const failures = await contrastFailures(page);
      if (failures.length) throw new Error(`${lang}, ${scheme} theme, below AA contrast:\n${failures.join('\n')}`);
    }
  }
});

// The terminal's text, and a wait for a line in it.
const terminalText = (page) => page.textContent('#terminal');
async function waitForTerminal(page, text, timeout = 10000) {
  await page.waitForFunction((t) => document.querySelector('#terminal').textContent.includes(t), text, { timeout })
    .catch(async () => { throw new Error(`terminal never showed ${JSON.stringify(text)}; it ends ${JSON.stringify((await terminalText(page)).slice(-300))}`); });
}
const clock = async (page) => Number((await page.textContent('.clock')).match(/\d+/)[0]);

await test('time controls: pause, step to the next event, speeds, and rewinding the timeline to before a scale', async (page) => {
  await page.goto(servedUrl);
  await page.waitForSelector('#scale-up', { timeout: 20000 });
  await page.click('#speed-fast');
  if ((await page.getAttribute('#speed-fast', 'aria-pressed')) !== 'true') throw new Error('20x is not shown pressed');
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  // A snapshot of the running pods, to come back to.
  const max = () => page.$eval('#timeline', (el) => Number(el.max));
  const before = await max();
  await page.waitForFunction((m) => Number(document.querySelector('#timeline').max) > m, before, { timeout: 20000 });
  const running = await max();
  await page.click('#play');
  if ((await page.textContent('#play')).trim() !== 'Play') throw new Error(`paused, the button reads ${await page.textContent('#play')}`);
  const paused = await clock(page);
  await page.waitForTimeout(1500);
  if ((await clock(page)) !== paused) throw new Error('the clock moved while paused');
  // Step: the next event happens (scaling up creates web-2), the clock moves
  // to it and stays paused.
  await page.click('#scale-up');
  await page.click('#step');
  const stepped = await clock(page);
  await page.waitForTimeout(1000);
  if ((await clock(page)) !== stepped) throw new Error('the clock runs on after a step');
  await waitForPods(page, ['web-0:Running', 'web-1:Running', 'web-2:Pending']);
  // Half speed: a virtual second takes two real ones.
  await page.click('#speed-half');
  if ((await page.getAttribute('#speed-half', 'aria-pressed')) !== 'true') throw new Error('0.5x is not shown pressed');
  await page.click('#play');
  const from = await clock(page);
  await page.waitForTimeout(4200);
  const moved = (await clock(page)) - from;
  if (moved < 1 || moved > 3) throw new Error(`at 0.5x, 4.2 s of real time moved the clock ${moved} s`);
  // Rewind to the snapshot of the two running pods: before the scale, which
  // leaves the terminal and the log. Moving the slider reads its time out.
  await page.click('#speed-fast');
  await waitForPods(page, ['web-0:Running', 'web-1:Running', 'web-2:Running']);
  await page.waitForFunction((m) => Number(document.querySelector('#timeline').max) > m, running, { timeout: 20000 });
  const times = await page.$eval('#timeline', (el, index) => {
    const last = el.getAttribute('aria-valuetext');
    el.value = String(index);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    return [last, el.getAttribute('aria-valuetext')];
  }, running);
  if (times[0] === times[1] || !/^t = \d+s$/.test(times[1])) throw new Error(`the slider's spoken time while moving: ${times}`);
  await page.$eval('#timeline', (el) => el.dispatchEvent(new Event('change', { bubbles: true })));
  await waitForPods(page, ['web-0:Running', 'web-1:Running']);
  if ((await page.textContent('#play')).trim() !== 'Play') throw new Error('a rewound playground is not paused');
  if ((await terminalText(page)).includes('kubectl scale')) throw new Error('the scale command stayed in the terminal after rewinding to before it');
  if ((await page.textContent('#replicas')).match(/\d+/)[0] !== '2') throw new Error('replicas after rewinding');
});

await test('workload controls: partition, image, undo, strategy and deleting the StatefulSet run kubectl and act', async (page) => {
  await startRunning(page);
  await page.fill('#partition-input', '1');
  await page.click('#set-partition');
  await waitForTerminal(page, `$ kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}}}'`);
  await page.fill('#image-input', 'registry.k8s.io/nginx-slim:0.27');
  await page.click('#update-image');
  await waitForTerminal(page, '$ kubectl set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.27');
  // Only the pod at or above the partition is replaced; the other waits,
  // and the page says why.
  const images = 'kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image';
  await page.waitForFunction(() => /web-1 is below the partition|partition/.test(document.querySelector('#waiting').textContent), null, { timeout: 30000 })
    .catch(async () => { throw new Error(`why is it waiting: ${await page.textContent('#waiting')}`); });
  await page.waitForTimeout(2000);
  await page.fill('#command', images);
  await page.press('#command', 'Enter');
  await waitForTerminal(page, 'web-0   registry.k8s.io/nginx-slim:0.24\nweb-1   registry.k8s.io/nginx-slim:0.27');
  await page.click('#undo');
  await waitForTerminal(page, '$ kubectl rollout undo statefulset/web\n');
  await waitForTerminal(page, 'statefulset.apps/web rolled back');
  await page.selectOption('#strategy', 'OnDelete');
  await waitForTerminal(page, `$ kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'`);
  // The headless Service, the node and a claim's volume open in the
  // inspector too.
  const inspected = async (target, tab, text) => {
    await page.click(`[data-inspect="${target}"]`);
    await page.click(`#inspect-tab-${tab}`);
    await page.waitForFunction((t) => document.querySelector('#inspect-output')?.textContent.includes(t), text, { timeout: 5000 })
      .catch(async () => { throw new Error(`inspecting ${target}: ${(await page.textContent('#inspect-output')).slice(0, 300)}`); });
  };
  await inspected('service/nginx', 1, '$ kubectl describe service nginx\nName:                     nginx');
  await inspected('service/nginx', 1, 'Endpoints:                10.244.0.');
  await inspected('node/kind-control-plane', 0, '$ kubectl get node kind-control-plane -o yaml\napiVersion: v1\nkind: Node');
  await inspected('node/kind-control-plane', 1, 'Non-terminated Pods:');
  const volume = await page.getAttribute('[data-claim="www-web-0"] [data-inspect^="pv/"]', 'data-inspect');
  await inspected(volume, 1, 'Claim:             default/www-web-0');
  // Delete with --cascade=orphan: the pods and their claims stay.
  await page.click('details.danger summary');
  await page.check('#cascade-orphan');
  await page.click('#delete-set');
  await waitForTerminal(page, '$ kubectl delete statefulset web --cascade=orphan\nstatefulset.apps "web" deleted');
  await page.waitForTimeout(3000);
  const left = (await pods(page)).map((p) => p.split(':')[0]);
  if (left.join(',') !== 'web-0,web-1') throw new Error(`pods after an orphaning delete: ${left}`);
  const claims = await page.$$eval('li.claim', (els) => els.length);
  if (claims !== 2) throw new Error(`claims after an orphaning delete: ${claims}`);
  await page.screenshot({ path: 'target/e2e/orphaned.png', fullPage: true });
});

await test('deleting the StatefulSet in the background removes its pods and keeps their claims', async (page) => {
  await startRunning(page);
  await page.click('details.danger summary');
  await page.check('#cascade-background');
  await page.click('#delete-set');
  await waitForTerminal(page, '$ kubectl delete statefulset web\nstatefulset.apps "web" deleted');
  await page.waitForFunction(() => document.querySelectorAll('[data-pod]').length === 0, null, { timeout: 30000 })
    .catch(async () => { throw new Error(`pods left: ${await pods(page)}`); });
  const claims = await page.$$eval('li.claim', (els) => els.map((e) => e.textContent));
  if (claims.length !== 2 || !claims.every((c) => c.includes('Bound'))) throw new Error(`claims after the delete: ${JSON.stringify(claims)}`);
});

await test('served page loads help and explain texts on demand', async (page) => {
  await helpScenario(page, servedUrl);
  const own = new URL(servedUrl).origin;
  checkOrigins(page, (u) => u.origin === own || u.protocol === 'data:');
  const loads = page.__requests.filter((u) => u.endsWith('/docs.txt')).length;
  if (loads !== 1) throw new Error(`docs.txt fetched ${loads} times, expected once`);
});

await test('offline single file reads its inlined help texts (and starts where Uint8Array.fromBase64 is missing)', async (page) => {
  // Browsers before 2025 lack fromBase64: the file decodes the wasm itself.
  await page.addInitScript(() => { delete Uint8Array.fromBase64; });
  await helpScenario(page, offlineUrl);
  checkOrigins(page, (u) => u.protocol === 'file:' || u.protocol === 'data:');
});

await browser.close();
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
