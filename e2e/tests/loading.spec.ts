import type { Page, Route } from '@playwright/test';
import { test, expect } from '../fixtures';
import { newUserId } from '../support/users';

/**
 * Holds every request matching `url` until the returned function is called;
 * resolves `arrived` once the first one reaches the browser's network layer.
 */
async function hold(page: Page, url: string | RegExp) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const reached = new Promise<void>((r) => (arrived = r));
  let count = 0;
  await page.route(url, async (route: Route) => {
    count += 1;
    arrived();
    await released;
    await route.continue();
  });
  return { release, reached, count: () => count };
}

/** Client-side navigation, as the router's links and back button do it. */
async function navigate(page: Page, path: string) {
  await page.evaluate((p) => {
    history.pushState(null, '', p);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

test.describe('late answers', () => {
  test('an answer for an app the reader has moved on from is dropped', async ({ page, history }) => {
    await history.goto('huajian');
    await expect(history.heading).toContainText('花间');
    const vchat = await hold(page, '**/api/apps/vchat/policies');
    await navigate(page, '/vchat/history');
    await vchat.reached;
    await page.goBack();
    await expect(history.heading).toContainText('花间');
    const late = page.waitForResponse('**/api/apps/vchat/policies');
    vchat.release();
    await late;
    // The answer arrived; the page still shows what the address says.
    await page.waitForTimeout(100);
    await expect(page).toHaveURL(/\/huajian\/history$/);
    await expect(history.heading).toContainText('花间');
    await expect(history.heading).not.toContainText('V聊');
  });

  test('an answer for a page the reader has left is dropped', async ({ page, home }) => {
    await home.goto();
    const policy = await hold(page, '**/api/apps/vchat/policies/current');
    await page.getByRole('link', { name: 'V聊' }).click();
    await policy.reached;
    await page.goBack();
    await expect(home.heading).toBeVisible();
    const late = page.waitForResponse('**/api/apps/vchat/policies/current');
    policy.release();
    await late;
    await page.waitForTimeout(100);
    await expect(page).toHaveURL(/\/$/);
    await expect(home.heading).toBeVisible();
    await expect(page.locator('article.policy')).toHaveCount(0);
  });
});

test.describe('sending a change', () => {
  test('a double click sends one request and shows no failure', async ({ page, devSignIn, consentDialog, consents }) => {
    await devSignIn.goto();
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await consents.goto();
    await expect(consents.rows).toHaveCount(1);

    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/me/consents')) posts.push(r.url());
    });
    const slow = await hold(page, '**/api/me/consents');
    await consents.withdrawButton.click();
    // Both clicks land while the first request is still on its way.
    await consents.confirmWithdrawButton.dblclick({ force: true });
    await slow.reached;
    await expect(consents.confirmWithdrawButton).toBeDisabled();
    slow.release();
    await expect(consents.rows.first()).toContainText('撤回');
    await expect(consents.rows).toHaveCount(2);
    expect(posts).toHaveLength(1);
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
});
