import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import type { ConsentDialog } from '../pages/consent-dialog';
import { mintToken, serviceToken, Sandbox, Server } from '../support/server';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

const CURRENT = '2020-10-01';

test.describe('consent', () => {
  test('first consent through the blocking dialog, then the record', async ({ page, devSignIn, consentDialog, consents, policy }, info) => {
    await devSignIn.goto();
    await expect(devSignIn.devBanner).toBeVisible();
    await devSignIn.signIn('vchat', newUserId());

    const d = consentDialog;
    await expect(d.dialog).toBeVisible();
    await expect(d.dialog).toHaveAttribute('aria-modal', 'true');
    await expect(d.dialog).toHaveAccessibleName('请阅读并同意隐私政策');
    await expect(d.dialog).toContainText('V聊隐私政策');
    await expect(d.compareLink).toHaveCount(0);
    await expect.poll(() => d.focusInside()).toBe(true);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await d.focusInside(), `focus after Tab #${i + 1}`).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await d.focusInside(), 'focus after Shift+Tab').toBe(true);
    await screenshot(page, info, 'consent-dialog');
    // Escape does not dismiss the question: it lets the user read, the answers in a bar.
    await page.keyboard.press('Escape');
    await expect(d.dialog).toHaveCount(0);
    await expect(d.bar).toBeVisible();
    await d.barBackButton.click();
    await expect(d.dialog).toBeVisible();
    await expect.poll(() => d.focusInside()).toBe(true);

    await d.agree();
    await expect(d.agreedLine).toContainText('年');
    await expect(d.updatedBanner).toHaveCount(0);

    await page.getByRole('link', { name: '我的同意记录' }).click();
    await expect(consents.heading).toHaveText('我的同意记录');
    await expect(consents.rows).toHaveCount(1);
    const row = consents.row(CURRENT);
    await expect(row).toContainText('同意');
    await expect(row).toContainText('浏览器');
    await expect(consents.downloadLink).toHaveAttribute('href', '/api/me/export');
    await screenshot(page, info, 'consents');
    await row.getByRole('link', { name: CURRENT }).click();
    await expect(page).toHaveURL(new RegExp(`/vchat/v/${CURRENT}$`));
    await expect(policy.fact('版本')).toHaveText(CURRENT);
  });

  test('webview handoff: token from the fragment, address cleaned, session kept on reload', async ({ page, consentDialog, consents }) => {
    const token = mintToken('vchat', newUserId());
    await page.goto(`/vchat#token=${token}`);
    await expect(consentDialog.dialog).toBeVisible();
    expect(page.url()).not.toContain('#token');
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(new URL(page.url()).pathname).toBe('/vchat');

    await page.reload();
    await expect(consentDialog.dialog).toBeVisible();
    await consentDialog.agree();
    await consents.goto();
    await expect(consents.row(CURRENT)).toContainText('应用内');
  });

  test('a replayed handoff token is refused with a translated message', async ({ browser, page, consentDialog }, info) => {
    const token = mintToken('vchat', newUserId());
    const first = await browser.newContext({ baseURL: info.project.use.baseURL });
    const firstPage = await first.newPage();
    await firstPage.goto(`/vchat#token=${token}`);
    await expect(firstPage.getByRole('dialog')).toBeVisible();
    await first.close();

    await page.goto(`/vchat#token=${token}`);
    await expect(consentDialog.handoffError).toBeVisible();
    await expect(consentDialog.handoffError).toContainText('登录链接已被使用过');
    expect(await page.evaluate(() => location.hash)).toBe('');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('V聊隐私政策');
    await expect(consentDialog.dialog).toHaveCount(0);
    await expect(page.getByRole('link', { name: '我的同意记录' })).toHaveCount(0);
  });

  test("another app's token is refused on this app's page and still works on its own", async ({ page, consentDialog }) => {
    const token = mintToken('weimeng', newUserId());
    await page.goto(`/vchat#token=${token}`);
    await expect(consentDialog.handoffError).toBeVisible();
    await expect(consentDialog.handoffError).toContainText('登录链接属于另一个应用');
    expect(await page.evaluate(() => location.hash)).toBe('');
    await expect(consentDialog.dialog).toHaveCount(0);

    await page.goto(`/weimeng#token=${token}`);
    await expect(consentDialog.dialog).toBeVisible();
    await expect(consentDialog.handoffError).toHaveCount(0);
  });

  test('a new user can read the whole policy before agreeing, the answers kept in a bar', async ({ page, devSignIn, consentDialog, policy }, info) => {
    await devSignIn.signIn('vchat', newUserId());
    const d = consentDialog;
    await d.readFirstButton.click();
    await expect(d.dialog).toHaveCount(0);
    await expect(d.bar).toBeVisible();
    await expect(d.bar).toContainText('读完后，请选择是否同意当前版本');
    // Focus is on the text, and the page scrolls under the bar.
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('policy-body'))).toBe(true);
    const before = await page.evaluate(() => window.scrollY);
    // Over the text (on desktop the contents sidebar scrolls on its own).
    const text = await page.locator('.policy-body').boundingBox();
    await page.mouse.move(text!.x + text!.width / 2, 400);
    // The wheel turns until the page has moved: a turn that lands while the
    // focus is still scrolling the text into view can be lost to it.
    await expect
      .poll(async () => {
        await page.mouse.wheel(0, 600);
        return page.evaluate(() => window.scrollY);
      })
      .toBeGreaterThan(before + 500);
    await expect(d.bar).toBeInViewport();
    await screenshot(page, info, 'consent-reading');
    // Escape from the text brings the keyboard back to the bar's answers.
    await page.keyboard.press('Escape');
    await expect(d.barAgreeButton).toBeFocused();
    await d.barAgreeButton.click();
    await expect(d.bar).toHaveCount(0);
    await expect(d.agreedLine).toBeVisible();
    await expect(policy.fact('版本')).toHaveText(CURRENT);
  });

  test('"Not now" leaves the app in limited mode, and agreeing from the note works', async ({ page, devSignIn, consentDialog }, info) => {
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.notNowButton.click();
    await expect(consentDialog.dialog).toHaveCount(0);
    await expect(consentDialog.limitedNote).toBeVisible();
    await expect(consentDialog.limitedNote).toContainText('仅提供基本功能');
    await screenshot(page, info, 'limited-mode');
    await consentDialog.reviewButton.click();
    await consentDialog.agree();
    await expect(consentDialog.limitedNote).toHaveCount(0);
  });

  test('withdrawing on the records page makes the policy page ask again', async ({ page, devSignIn, consentDialog, consents }) => {
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await consents.goto();
    await consents.withdraw();
    await expect(consents.rows).toHaveCount(2);
    await expect(consents.withdrawButton).toHaveCount(0);
    await page.goto('/vchat');
    await expect(consentDialog.dialog).toBeVisible();
    await expect(consentDialog.dialog).toContainText('你已撤回');
  });

  test('signed out, the records page says to open it from the app; sign-out gets there', async ({ devSignIn, consents }) => {
    await consents.goto();
    await expect(consents.signedOutHeading).toBeVisible();
    await devSignIn.signIn('vchat', newUserId());
    await consents.goto();
    await expect(consents.heading).toHaveText('我的同意记录');
    await consents.signOutButton.click();
    await expect(consents.signedOutHeading).toBeVisible();
  });
});

/**
 * A server of its own on a sandbox copy of the policies, with a user who
 * agreed to the current version before a newer one (`material` or not) was
 * published; `body` runs with the page reloaded on the new version.
 */
async function withNewerVersion(
  page: Page,
  consentDialog: ConsentDialog,
  material: boolean,
  body: (ctx: { server: Server; sandbox: Sandbox; user: string }) => Promise<void>,
) {
  const sandbox = new Sandbox();
  // Written before V聊 announced 2026-12-15: without it, 2030-01-01 is the
  // only version newer than the one agreed to.
  sandbox.unpublish('vchat', '2026-12-15');
  let server = await Server.start(sandbox);
  try {
    const user = newUserId();
    const signIn = await page.request.post(`${server.url}/api/dev/session`, { data: { app: 'vchat', user } });
    expect(signIn.status()).toBe(201);
    await page.goto(`${server.url}/vchat`);
    await consentDialog.agree();

    await server.stop();
    sandbox.publish('vchat', '2030-01-01', material ? { material, summary: '新增“人脸识别”一节：说明人脸信息仅用于身份核验。' } : { material });
    // Its effective day.
    server = await Server.start(sandbox, server.port, { clockStart: '2030-01-01T00:00:00+08:00' });
    await page.reload();
    await body({ server, sandbox, user });
  } finally {
    await server.stop();
    sandbox.remove();
  }
}

test.describe('a newer policy version on a server of its own', () => {
  test.describe.configure({ timeout: 60_000 });

  for (const material of [true, false]) {
    test(`${material ? 'material: asks again with the summary' : 'non-material: a banner only'}`, async ({ page, consentDialog, consents }, info) => {
      await withNewerVersion(page, consentDialog, material, async ({ server }) => {
        if (material) {
          await expect(consentDialog.dialog).toBeVisible();
          await expect(consentDialog.title).toHaveText('隐私政策有重要更新');
          await expect(consentDialog.dialog).toContainText('新增“人脸识别”一节');
          await expect(consentDialog.compareLink).toHaveAttribute('href', `/vchat/compare/${CURRENT}/2030-01-01`);
          await screenshot(page, info, 'reconsent-dialog');
          await consentDialog.agree();
          await consents.goto(server.url);
          await expect(consents.rows).toHaveCount(2);
          await expect(consents.rows.first()).toContainText('2030-01-01');
          await expect(consents.rows.last()).toContainText(CURRENT);
        } else {
          await expect(consentDialog.updatedBanner).toBeVisible();
          await expect(consentDialog.dialog).toHaveCount(0);
          await expect(consentDialog.agreedLine).toHaveCount(0);
          await screenshot(page, info, 'updated-banner');
          await expect(consentDialog.updatedBanner.getByRole('link', { name: '阅读新版本' })).toHaveAttribute('href', '/vchat/v/2030-01-01');
          await consentDialog.updatedBanner.getByRole('button', { name: '知道了' }).click();
          await expect(consentDialog.updatedBanner).toHaveCount(0);
        }
      });
    });
  }

  test('material: "Not now" is recorded, holds on reload, reaches the status API, and the next arrival asks again', async ({ page, consentDialog, consents }, info) => {
    await withNewerVersion(page, consentDialog, true, async ({ server, sandbox, user }) => {
      await expect(consentDialog.title).toHaveText('隐私政策有重要更新');
      const recorded = page.waitForResponse((r) => r.url().endsWith('/api/me/consents') && r.request().method() === 'POST');
      await consentDialog.notNowButton.click();
      expect((await recorded).status()).toBe(201);
      await expect(consentDialog.limitedNote).toBeVisible();

      await page.reload();
      await expect(consentDialog.limitedNote).toBeVisible();
      await expect(consentDialog.dialog).toHaveCount(0);
      await expect(consentDialog.agreedLine).toHaveCount(0);
      await screenshot(page, info, 'deferred-reload');

      const status = await page.request.get(`${server.url}/api/internal/apps/vchat/users/${user}/status`, {
        headers: { Authorization: `Bearer ${serviceToken('vchat', sandbox.dataDir)}` },
      });
      expect(status.status()).toBe(200);
      const body = await status.json();
      expect(body).toMatchObject({ consent: 'outdated', consented_version: CURRENT, needs_reconsent: true, limited_mode: true, deferred_version: '2030-01-01' });
      expect(Date.parse(body.deferred_at)).toBeGreaterThan(Date.now() - 60_000);

      await consents.goto(server.url);
      await expect(consents.rows).toHaveCount(2);
      await expect(consents.rows.first()).toContainText('2030-01-01');
      await expect(consents.rows.first()).toContainText('暂不同意');
      await screenshot(page, info, 'deferred-history');

      // The next time the app opens the page (a new token, a new session) it asks again.
      await page.goto(`${server.url}/vchat#token=${mintToken('vchat', user, sandbox.dataDir)}`);
      await expect(consentDialog.title).toHaveText('隐私政策有重要更新');
      await expect(consentDialog.limitedNote).toHaveCount(0);
      await consentDialog.agree();
      await page.reload();
      await expect(consentDialog.agreedLine).toBeVisible();
      await expect(consentDialog.limitedNote).toHaveCount(0);
    });
  });
});
