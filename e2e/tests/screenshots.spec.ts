import { test, expect } from '../fixtures';

// Keeps a full-page PNG of every page per project (desktop, phone) in
// test-results/, so a person can look at what the suite saw.
const pages = [
  { name: 'home', url: '/', ready: '.app-list' },
  { name: 'policy', url: '/vchat', ready: '.policy-body h2' },
  { name: 'not-found', url: '/no/such/page', ready: '.not-found' },
  { name: 'history', url: '/vchat/history', ready: '.timeline' },
  { name: 'old-version', url: '/vchat/v/2019-06-01', ready: '.policy-body h2' },
  { name: 'compare', url: '/vchat/compare/2019-06-01/2020-10-01', ready: '.diff-sections' },
  { name: 'compare-weimeng', url: '/weimeng/compare/2021-10-30/2022-04-24', ready: '.diff-sections' },
  { name: 'policy-huajian', url: '/huajian', ready: '.policy-body h2' },
  { name: 'dev-sign-in', url: '/dev/sign-in', ready: 'form' },
  { name: 'consents-signed-out', url: '/me/consents', ready: '.signed-out' },
  { name: 'permissions', url: '/vchat/permissions', ready: '.perm-group' },
  { name: 'lists', url: '/vchat/lists', ready: '.lists-table' },
];

for (const p of pages) {
  test(`screenshot: ${p.name}`, async ({ page }, info) => {
    await page.goto(p.url);
    await expect(page.locator(p.ready).first()).toBeVisible();
    // No horizontal scrolling at any width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
    const file = info.outputPath(`${p.name}-${info.project.name}.png`);
    await page.screenshot({ path: file, fullPage: !p.ready.includes('policy-body') });
    await info.attach(`${p.name}-${info.project.name}`, { path: file, contentType: 'image/png' });
  });
}
