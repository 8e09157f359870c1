import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { test, expect, allowFailedLoads } from '../fixtures';
import { holdingClock } from '../support/clock';
import { binary, repo, serviceToken, suiteDataDir } from '../support/server';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

/** What the host app's backend sees: the internal status route. */
async function status(page: Page, app: string, user: string) {
  const res = await page.request.get(`/api/internal/apps/${app}/users/${user}/status`, {
    headers: { Authorization: `Bearer ${serviceToken(app)}` },
  });
  expect(res.status()).toBe(200);
  return res.json();
}

/** An RFC 3339 instant as `YYYY-MM-DD HH:MM` in this machine's zone (the browser's too). */
function local(rfc3339: string): string {
  const d = new Date(rfc3339);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

// The dev clock is the whole server's: only the completion test moves it,
// by just over 微萌's 3 days (twice, once per project), inside
// `holdingClock`, as the reading of a time left is. The other tests use
// 花间's 15-day cooling-off, which that cannot end.
test.describe('closing my account', () => {
  test('request, see both clocks, withdraw', async ({ page, devSignIn, account, hub }, info) => {
    const user = newUserId();
    await devSignIn.signIn('huajian', user);
    await account.goto();
    await expect(account.deleted).toBeVisible();
    await expect(account.kept).toBeVisible();
    await expect(page.getByText('注销完成后保存六个月（184 天')).toBeVisible();
    await expect(page.getByText('假名编号')).toBeVisible();
    await expect(account.conditions).toHaveCount(4);
    await expect(account.conditions.first()).toContainText('《用户服务协议》');
    await expect(page.getByText('15 天冷静期')).toBeVisible();
    await screenshot(page, info, 'account');
    await account.requestButton.scrollIntoViewIfNeeded();
    await screenshot(page, info, 'account-form');

    // A mistyped phrase: the API answers 422 (logged by the browser) and the page says why.
    allowFailedLoads(page, /\/api\/me\/cancellation$/);
    await account.request('注销');
    await expect(account.wrongPhrase).toBeVisible();
    expect((await status(page, 'huajian', user)).account.state).toBe('active');

    // The time left is read while no other test moves the server's clock.
    const seen = await holdingClock(async () => {
      await account.request();
      await expect(account.pending).toBeVisible();
      const seen = await status(page, 'huajian', user);
      expect(seen.account.state).toBe('pending');
      await expect(account.clock('冷静期剩余')).toHaveText(/^1[45] 天 \d+ 小时$/);
      await expect(account.clock('账号删除时间')).toHaveText(local(seen.account.due_at));
      await expect(account.clock('法定完成期限')).toContainText('前（提交后 15 个工作日内）');
      await screenshot(page, info, 'account-pending');
      return seen;
    });

    await hub.goto();
    await expect(hub.card('注销账号')).toContainText(`注销申请处理中，将于 ${local(seen.account.due_at)} 删除`);
    await hub.card('注销账号').getByRole('link', { name: '注销账号' }).click();
    await expect(account.pending).toBeVisible();

    await account.withdrawButton.click();
    await expect(account.withdrawnByUser).toBeVisible();
    await expect(account.requestButton).toBeVisible();
    expect((await status(page, 'huajian', user)).account.state).toBe('active');
  });

  test('signing in again from the app withdraws the request, and the page says so', async ({ page, devSignIn, account }, info) => {
    const user = newUserId();
    await devSignIn.signIn('huajian', user);
    await account.goto();
    await account.request();
    await expect(account.pending).toBeVisible();
    await devSignIn.signIn('huajian', user);
    await account.goto();
    await expect(account.withdrawnBySignIn).toBeVisible();
    await expect(account.pending).toHaveCount(0);
    expect((await status(page, 'huajian', user)).account.state).toBe('active');
    await screenshot(page, info, 'account-auto-withdrawn');
  });

  test('when the cooling-off ends the account is deleted and the ledger still verifies', async ({ page, devSignIn, consentDialog, account }, info) => {
    const user = newUserId();
    await devSignIn.signIn('weimeng', user);
    await consentDialog.agree();
    const saved = await page.evaluate(async () => {
      const res = await fetch('/api/me/push', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
      return res.status;
    });
    expect(saved).toBe(200);
    expect((await status(page, 'weimeng', user)).push.enabled).toBe(false);
    await account.goto();
    await holdingClock(async () => {
      await account.request();
      await expect(account.pending).toBeVisible();
      await expect(account.clock('冷静期剩余')).toHaveText(/^[23] 天 \d+ 小时$/);
      const moved = await page.request.post('/api/dev/clock', { data: { advance_seconds: 3 * 86_400 + 60 } });
      expect(moved.status()).toBe(200);
      await expect.poll(async () => (await status(page, 'weimeng', user)).account.state).toBe('cancelled');
    });

    const host = await status(page, 'weimeng', user);
    expect(host.consent).toBe('never');
    expect(host.push.enabled).toBe(true);
    expect(host.account.cancelled_at).toEqual(expect.any(String));
    expect((await page.request.get('/api/me')).status()).toBe(401);
    await page.reload();
    await expect(page.getByRole('heading', { name: '请从应用内打开此页面' })).toBeVisible();
    await screenshot(page, info, 'account-completed');

    const verified = execFileSync(binary, ['ledger', 'verify', '--data-dir', suiteDataDir()], { encoding: 'utf8', cwd: repo });
    expect(verified).toContain('every chain verifies');
  });
});
