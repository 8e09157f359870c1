// Cold-load benchmark (issue #4): time from navigation to the policy text
// being visible, for the largest policy, in our SPA (`/{app}`) and in a
// static pre-rendered HTML page of the same text (the API's own rendered
// HTML in a plain page with the same stylesheet, served by the same server).
// The server sends reader routes with the policy already in the page
// (api/src/prerender.rs); the app then takes over, and the time until it
// has (its own page drawn, the server's copy gone) is reported beside.
// Each load uses a new browser context, so nothing is cached. Loads of the
// two pages alternate so machine noise hits both alike.
//
//   npm run bench --prefix e2e            (BENCH_RUNS=30 by default)
import { test, expect, type Browser } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

const APP = process.env.BENCH_APP ?? 'huajian';
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const dist = path.resolve(__dirname, '../../dist');
const staticDir = path.join(dist, 'bench');

/**
 * Records, in the page, when the first paragraph of the policy text is in the
 * document and a frame has been drawn with it, and when the app has taken
 * over (the text in the app's page, the server's copy gone).
 */
const watchForText = () => {
  const w = window as any;
  const mark = (key: string) => requestAnimationFrame(() => (w[key] = performance.now()));
  const obs = new MutationObserver(() => {
    if (w.__textSeen === undefined && document.querySelector('.policy-body p')) {
      w.__textSeen = true;
      mark('__textVisible');
    }
    if (document.body && !document.getElementById('prerender') && document.querySelector('.policy-body p')) {
      obs.disconnect();
      mark('__appReady');
    }
  });
  obs.observe(document, { childList: true, subtree: true });
};

/** One load in a fresh context: [text visible, app ready] in ms from navigation start. */
async function coldLoad(browser: Browser, url: string): Promise<[number, number]> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  await context.addInitScript(watchForText);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  const at = async (key: string) =>
    (await (await page.waitForFunction((k) => (window as any)[k] as number | undefined, key, { polling: 50 })).jsonValue()) as number;
  const text = await at('__textVisible');
  const ready = await at('__appReady');
  await context.close();
  return [text, ready];
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: q(0.5), p90: q(0.9) };
}

test(`cold load of /${APP}: SPA vs static HTML`, async ({ browser, request }) => {
  const doc = await (await request.get(`/api/apps/${APP}/policies/current`)).json();
  const css = fs.readdirSync(dist).find((f) => /^main-.*\.css$/.test(f));
  expect(css, 'dist/ has the stylesheet (trunk build first)').toBeTruthy();
  fs.mkdirSync(staticDir, { recursive: true });
  const file = path.join(staticDir, `${APP}.html`);
  fs.writeFileSync(
    file,
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${doc.meta.title}</title><link rel="stylesheet" href="/${css}"></head><body><main id="main">` +
      `<article class="policy" lang="${doc.app.locale}"><header class="policy-header"><h1>${doc.meta.title}</h1></header>` +
      `<div class="policy-layout"><div class="policy-body">${doc.html}</div></div></article></main></body></html>`,
  );
  const spa: number[] = [];
  const spaReady: number[] = [];
  const stat: number[] = [];
  try {
    // One warm-up of each (server caches, Chromium process start).
    await coldLoad(browser, `/${APP}`);
    await coldLoad(browser, `/bench/${APP}.html`);
    for (let i = 0; i < RUNS; i++) {
      const [text, ready] = await coldLoad(browser, `/${APP}`);
      spa.push(text);
      spaReady.push(ready);
      stat.push((await coldLoad(browser, `/bench/${APP}.html`))[0]);
    }
  } finally {
    fs.rmSync(staticDir, { recursive: true, force: true });
  }
  const a = stats(spa);
  const b = stats(stat);
  const row = (name: string, s: { median: number; p90: number }) =>
    `| ${name} | ${s.median.toFixed(0)} ms | ${s.p90.toFixed(0)} ms |`;
  console.log(
    [
      `cold load, ${APP}, ${RUNS} runs each (navigation start -> first policy paragraph drawn)`,
      '| page | median | p90 |',
      '|---|---:|---:|',
      row(`SPA /${APP}: text visible`, a),
      row(`SPA /${APP}: app running`, stats(spaReady)),
      row('static HTML', b),
      `ratio SPA / static: median ${(a.median / b.median).toFixed(2)}x, p90 ${(a.p90 / b.p90).toFixed(2)}x`,
    ].join('\n'),
  );
});
