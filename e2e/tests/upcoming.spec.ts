import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';
import { ConsentDialog } from '../pages/consent-dialog';
import { Sandbox, Server, serviceToken } from '../support/server';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

// V聊's 2026-12-15 is published ahead of its effective date (issue #16). The
// suite server's clock starts on 2026-12-01 (playwright.config.ts), so it is
// announced and 2020-10-01 is current, whatever the real date.
const CURRENT = '2020-10-01';
const UPCOMING = '2026-12-15';

/** The host app's view of a user (the status route, with the app's service token). */
async function hostStatus(page: Page, user: string, base = '', dataDir?: string) {
  const res = await page.request.get(`${base}/api/internal/apps/vchat/users/${user}/status`, {
    headers: { Authorization: `Bearer ${serviceToken('vchat', dataDir)}` },
  });
  expect(res.status()).toBe(200);
  return res.json();
}

test.describe('a version announced before it takes effect', () => {
  test('the current version announces it, in the server-rendered page too, and the history lists it', async ({ policy, history, compare, page, request }, info) => {
    // The page as the server sends it, before the app runs.
    const html = await (await request.get('/vchat')).text();
    expect(html).toContain('本政策将于2026年12月15日更新');
    const release = await policy.holdApp();
    await page.goto('/vchat');
    await expect(policy.serverCopy).toBeVisible();
    await expect(policy.upcomingNotice).toContainText('本政策将于2026年12月15日更新');
    release();
    await policy.appRunning();

    const notice = policy.upcomingNotice;
    await expect(notice).toContainText('主要变更：新增“第三方SDK”一节');
    await expect(policy.fact('版本')).toHaveText(CURRENT);
    await expect(notice.getByRole('link', { name: '查看变更对比' })).toHaveAttribute('href', `/vchat/compare/${CURRENT}/${UPCOMING}`);
    await expect(notice.getByRole('link', { name: '阅读新版本' })).toHaveAttribute('href', `/vchat/v/${UPCOMING}`);
    await expect(policy.agreeEarlyButton).toHaveCount(0); // signed out
    await screenshot(page, info, 'upcoming-notice');

    await notice.getByRole('link', { name: '查看变更对比' }).click();
    await expect(compare.heading).toHaveText('V聊隐私政策 · 版本对比');
    await expect(compare.change('（三）第三方SDK')).toBeVisible();

    await page.goto(`/vchat/v/${UPCOMING}`);
    await expect(policy.fact('版本')).toHaveText(UPCOMING);
    await expect(page.getByRole('note')).toContainText('这是即将于2026年12月15日生效的新版本');
    await expect(policy.upcomingNotice).toHaveCount(0);

    await history.goto('vchat');
    await expect(history.versions).toHaveCount(3);
    await expect(history.versions.first()).toContainText(UPCOMING);
    await expect(history.version(UPCOMING)).toContainText('即将生效');
    await expect(history.version(UPCOMING)).not.toContainText('当前版本');
    await expect(history.version(CURRENT)).toContainText('当前版本');

    const apps = await (await request.get('/api/apps')).json();
    const vchat = apps.find((a: { id: string }) => a.id === 'vchat');
    expect(vchat.current.version).toBe(CURRENT);
    expect(vchat.upcoming).toMatchObject({ version: UPCOMING, effective: UPCOMING, material: true });
  });

  test('a user who agreed to the current version may agree to the new one early', async ({ devSignIn, consentDialog, policy, page }, info) => {
    const user = newUserId();
    await devSignIn.signIn('vchat', user);
    // Never agreed: asked about the current version first, offered nothing early.
    await consentDialog.agree();
    await expect(policy.upcomingNotice).toBeVisible();
    const status = await hostStatus(page, user);
    expect(status.upcoming).toEqual({ version: UPCOMING, effective: UPCOMING, material: true, agreed: false });

    await policy.upcomingNotice.scrollIntoViewIfNeeded();
    await screenshot(page, info, 'upcoming-agree-early');
    await policy.agreeEarlyButton.click();
    await expect(policy.agreedEarly).toHaveText('✓ 你已同意新版本，生效时不会再次询问你。');
    await expect(policy.agreeEarlyButton).toHaveCount(0);
    await expect(consentDialog.agreedLine).toBeVisible();
    await policy.upcomingNotice.scrollIntoViewIfNeeded();
    await screenshot(page, info, 'upcoming-agreed-early');
    expect((await hostStatus(page, user)).upcoming.agreed).toBe(true);
    await page.reload();
    await expect(policy.agreedEarly).toBeVisible();
  });
});

test.describe('the effective day, on a server of its own', () => {
  test.describe.configure({ timeout: 60_000 });

  test('those who agreed early are not asked again, everyone else is', async ({ browser, page, consentDialog, policy }, info) => {
    const sandbox = new Sandbox();
    // Its own clock, so moving it past the effective date moves no other test's.
    const server = await Server.start(sandbox, undefined, { clockStart: '2026-12-14T23:00:00+08:00' });
    const late = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport: page.viewportSize() });
    try {
      const signIn = async (p: Page, user: string) => {
        const res = await p.request.post(`${server.url}/api/dev/session`, { data: { app: 'vchat', user } });
        expect(res.status()).toBe(201);
        await p.goto(`${server.url}/vchat`);
      };
      // One user agrees to the current version and, early, to the new one ...
      const early = newUserId();
      await signIn(page, early);
      await consentDialog.agree();
      await policy.agreeEarlyButton.click();
      await expect(policy.agreedEarly).toBeVisible();
      // ... another only to the current one.
      const other = newUserId();
      const otherPage = await late.newPage();
      const otherDialog = new ConsentDialog(otherPage);
      await signIn(otherPage, other);
      await otherDialog.agree();

      // Midnight in Shanghai: the new version is current, no restart.
      const moved = await page.request.post(`${server.url}/api/dev/clock`, { data: { set: '2026-12-15T00:00:01+08:00' } });
      expect(moved.status()).toBe(200);

      await otherPage.reload();
      await expect(otherDialog.title).toHaveText('隐私政策有重要更新');
      await expect(otherDialog.dialog).toContainText('新增“第三方SDK”一节');
      await expect(otherDialog.compareLink).toHaveAttribute('href', `/vchat/compare/${CURRENT}/${UPCOMING}`);
      const asked = await hostStatus(otherPage, other, server.url, sandbox.dataDir);
      expect(asked).toMatchObject({ consent: 'outdated', needs_reconsent: true, limited_mode: true, upcoming: null });
      await screenshot(otherPage, info, 'upcoming-effective-asked');

      await page.reload();
      await policy.appRunning();
      await expect(policy.fact('版本')).toHaveText(UPCOMING);
      await expect(consentDialog.dialog).toHaveCount(0);
      await expect(consentDialog.agreedLine).toBeVisible();
      await expect(policy.upcomingNotice).toHaveCount(0);
      const kept = await hostStatus(page, early, server.url, sandbox.dataDir);
      expect(kept).toMatchObject({ consent: 'current', consented_version: UPCOMING, needs_reconsent: false, limited_mode: false });

      await otherDialog.agree();
      expect((await hostStatus(otherPage, other, server.url, sandbox.dataDir)).needs_reconsent).toBe(false);
    } finally {
      await late.close();
      await server.stop();
      sandbox.remove();
    }
  });
});
