import { test, expect } from '../fixtures';

test.describe('version history', () => {
  test('lists published versions newest first with dates, badges and summary', async ({ history }) => {
    await history.goto('vchat');
    await expect(history.heading).toHaveText('V聊 · 版本历史');
    // 2026-12-15 is announced, not in force (the suite's clock: playwright.config.ts).
    await expect(history.versions).toHaveCount(3);
    await expect(history.versions.first()).toContainText('2026-12-15');
    await expect(history.versions.first()).toContainText('即将生效');
    await expect(history.versions.nth(1)).toContainText('2020-10-01');
    await expect(history.versions.last()).toContainText('2019-06-01');
    const current = history.version('2020-10-01');
    await expect(current).toContainText('当前版本');
    await expect(current).toContainText('重大变更');
    await expect(current).toContainText('位置信息日志');
    await expect(history.version('2019-06-01')).not.toContainText('当前版本');
  });

  test('an earlier version opens at its own address and points to the current one', async ({ history, policy, page }) => {
    await history.goto('vchat');
    await history.version('2019-06-01').getByRole('link').click();
    await expect(page).toHaveURL(/\/vchat\/v\/2019-06-01$/);
    await expect(policy.fact('版本')).toHaveText('2019-06-01');
    await expect(page.getByRole('note')).toContainText('历史版本');
    await expect(policy.section('2、位置信息日志')).toHaveCount(0);
    await page.reload();
    await expect(policy.fact('版本')).toHaveText('2019-06-01');
    await page.getByRole('link', { name: '查看当前版本' }).click();
    await expect(page).toHaveURL(/\/vchat$/);
    await expect(policy.section('2、位置信息日志')).toBeVisible();
    await expect(page.getByRole('note')).toHaveCount(0);
  });

  test('an unknown version shows the 404 page', async ({ page, notFound }) => {
    await page.goto('/vchat/v/1999-01-01');
    await expect(notFound.heading).toHaveText('找不到这个页面');
  });
});
