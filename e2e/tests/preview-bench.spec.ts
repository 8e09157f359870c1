import { test, expect } from '../fixtures';
import { staffCredential } from '../support/server';

// Benchmark of the live editor (issue #4: each update within 50 ms for the
// largest seed). The editor wraps every update — importer/checker/diff, the
// re-render of the page and its contents, and layout — in
// performance.mark/measure('preview-update'); this types into the largest
// policy (花间 2021-11-30, 42 KB) one key at a time, slower than the 150 ms
// debounce so every key is its own update, and reads the measures back.
// Results go to stdout and docs/benchmarks.md. Opt-in (E2E_BENCH=1): on a
// shared machine the timings depend on what else runs, which a test that
// must pass every time should not.

const WARM_UP = '预热';
const KEYS = '本段为基准测试输入的文字内容，用于测量每次更新所需的时间。';

test('live editor: updates of the largest policy within 50 ms', async ({ preview, page, browserName }, info) => {
  test.skip(!process.env.E2E_BENCH, 'a benchmark: E2E_BENCH=1 npm test --prefix e2e -- tests/preview-bench.spec.ts');
  test.skip(info.project.name !== 'desktop', 'one run is enough; desktop Chromium');
  test.setTimeout(60_000);
  await preview.signInAndList(staffCredential());
  await preview.openEditor('huajian', '2021-11-30');
  await expect(preview.rendered.getByRole('heading', { level: 1 })).toHaveText('花间隐私政策');
  await expect(preview.diff).toContainText('与当前发布版本相同');
  await preview.source.focus();
  await page.keyboard.press('Control+End');
  // The first updates also compile the wasm's hot paths and lay the page
  // out for the first time; they are not what typing feels like.
  for (const key of WARM_UP) {
    await page.keyboard.insertText(key);
    await page.waitForTimeout(300);
  }
  await page.evaluate(() => {
    performance.clearMeasures('preview-update');
    performance.clearMeasures('preview-compute');
  });
  for (const key of KEYS) {
    await page.keyboard.insertText(key);
    await page.waitForTimeout(300);
  }
  await expect(preview.diff).toContainText('修改 1 节');
  const durations = await page.evaluate(() =>
    performance.getEntriesByName('preview-update').map((e) => e.duration),
  );
  const compute = await page.evaluate(() =>
    performance.getEntriesByName('preview-compute').map((e) => e.duration),
  );
  expect(durations.length, 'one update per key').toBe(KEYS.length);
  const quantile = (xs: number[], q: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return +sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1);
  };
  const result = {
    browser: browserName,
    updates: durations.length,
    median_ms: quantile(durations, 0.5),
    p90_ms: quantile(durations, 0.9),
    max_ms: quantile(durations, 1),
    compute_median_ms: quantile(compute, 0.5),
    compute_p90_ms: quantile(compute, 0.9),
  };
  console.log(`preview-update ${JSON.stringify(result)}`);
  console.log(`preview-update durations ${durations.map((d) => d.toFixed(1)).join(' ')}`);
  await info.attach('preview-update.json', { body: JSON.stringify({ ...result, durations }, null, 2), contentType: 'application/json' });
  // The median is the guard: on a shared 2-core machine single updates are
  // delayed by other processes; the p90 is recorded in docs/benchmarks.md.
  expect(result.median_ms, 'median update (ms)').toBeLessThanOrEqual(50);
});
