import type { Page } from '@playwright/test';
import { test, expect, allowFailedLoads } from '../fixtures';
import type { ConsentDialog } from '../pages/consent-dialog';
import type { DevSignInPage } from '../pages/dev-sign-in-page';
import { serviceToken } from '../support/server';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

/** Signs a new user of `app` in and agrees to the policy; returns the user id. */
async function signedIn(devSignIn: DevSignInPage, consentDialog: ConsentDialog, app: string): Promise<string> {
  const user = newUserId();
  await devSignIn.signIn(app, user);
  await consentDialog.agree();
  return user;
}

/** What the host app's backend sees: the internal status route. */
async function status(page: Page, app: string, user: string) {
  const res = await page.request.get(`/api/internal/apps/${app}/users/${user}/status`, {
    headers: { Authorization: `Bearer ${serviceToken(app)}` },
  });
  expect(res.status()).toBe(200);
  return res.json();
}

test.describe('my privacy hub', () => {
  test('signed out, it says how to open it from the app', async ({ page, hub }, info) => {
    await page.goto('/me');
    await expect(hub.signedOutHeading).toBeVisible();
    await expect(page.getByText('请在应用内')).toBeVisible();
    await expect(page.getByRole('link', { name: '以任意用户登录' }).first()).toBeVisible();
    await screenshot(page, info, 'hub-signed-out');
  });

  test('opens from the header and shows each control at a glance', async ({ page, devSignIn, consentDialog, hub }, info) => {
    await signedIn(devSignIn, consentDialog, 'vchat');
    await page.getByRole('link', { name: '我的隐私' }).click();
    await expect(page).toHaveURL(/\/me$/);
    await expect(hub.heading).toHaveText('我的隐私');
    await expect(hub.card('隐私政策')).toContainText('已同意当前版本（2020-10-01）');
    await expect(hub.card('消息通知')).toContainText('消息推送：全部开启');
    await expect(hub.card('隐私设置')).toContainText('4 项，已开启 0 项');
    await expect(hub.card('青少年模式')).toContainText('未开启');
    await expect(hub.card('我的数据').getByRole('link', { name: '下载我的数据' })).toHaveAttribute('href', '/api/me/export');
    await screenshot(page, info, 'hub');
    // Back to the reader: a page of the other bundle loads for real.
    await hub.card('隐私政策').getByRole('link', { name: '同意记录' }).click();
    await expect(page).toHaveURL(/\/me\/consents$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的同意记录');
  });
});

test.describe('notifications', () => {
  test('a category turned off stays off, reaches the host app and the hub', async ({ page, devSignIn, consentDialog, settings, hub }, info) => {
    const user = await signedIn(devSignIn, consentDialog, 'vchat');
    await settings.goto('/me/notifications');
    await expect(settings.switch('消息推送')).toBeChecked();
    await settings.toggle('消息推送');
    await expect(settings.switch('消息推送')).not.toBeChecked();
    await page.reload();
    await expect(settings.switch('消息推送')).not.toBeChecked();
    await expect(settings.switch('接收推送消息')).toBeChecked();
    await screenshot(page, info, 'notifications');
    const seen = await status(page, 'vchat', user);
    expect(seen.push.categories).toMatchObject({ message_push: false, service: true });
    await hub.goto();
    await expect(hub.card('消息通知')).toContainText('已关闭 1 类');
  });

  test('a service notice cannot be switched off, here or through the API', async ({ page, devSignIn, consentDialog, settings }) => {
    await signedIn(devSignIn, consentDialog, 'vchat');
    await settings.goto('/me/notifications');
    const service = settings.switch('与服务有关的公告');
    await expect(service).toBeChecked();
    await expect(service).toBeDisabled();
    await expect(settings.row('与服务有关的公告')).toContainText('不可关闭');
    await expect(settings.row('与服务有关的公告')).toContainText('无法取消');
    allowFailedLoads(page, /\/api\/me\/push$/);
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/me/push', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ enabled: true, categories: { service: false }, quiet_hours: null }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.fields)).toContain('categories.service');
    await page.reload();
    await expect(settings.switch('与服务有关的公告')).toBeChecked();
  });

  test('a save that fails puts the switch back and says so', async ({ page, devSignIn, consentDialog, settings }) => {
    await signedIn(devSignIn, consentDialog, 'vchat');
    await settings.goto('/me/notifications');
    allowFailedLoads(page, /\/api\/me\/push$/);
    await page.route('**/api/me/push', (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"code":"internal","message":"internal error","fields":{}}' })
        : route.continue(),
    );
    await settings.switch('消息推送').click();
    await expect(settings.error).toContainText('保存失败');
    await expect(settings.switch('消息推送')).toBeChecked();
    await expect(settings.switch('消息推送')).toBeEnabled();
  });

  test('quiet hours are kept with the browser\'s time zone', async ({ page, devSignIn, consentDialog, settings }) => {
    await signedIn(devSignIn, consentDialog, 'weimeng');
    await settings.goto('/me/notifications');
    await settings.toggle('在以下时段不推送');
    await page.reload();
    await expect(settings.switch('在以下时段不推送')).toBeChecked();
    await expect(page.getByLabel('开始')).toHaveValue('22:00');
    await expect(page.getByLabel('结束')).toHaveValue('08:00');
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await expect(page.getByText(`时区：${zone}`)).toBeVisible();
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT');
    await page.getByLabel('结束').fill('07:30');
    await saved;
    await page.reload();
    await expect(page.getByLabel('结束')).toHaveValue('07:30');
    const history = await page.evaluate(async () => (await fetch('/api/me/history')).json());
    expect(history.map((h: { item: string }) => h.item)).toEqual(['quiet_hours', 'quiet_hours']);
  });

  test('a change in one tab shows in another when it gets the focus', async ({ page, devSignIn, consentDialog, settings, context }) => {
    await signedIn(devSignIn, consentDialog, 'vchat');
    const other = await context.newPage();
    await other.goto('/me/notifications');
    await expect(other.getByRole('switch', { name: '消息推送', exact: true })).toBeChecked();
    await settings.goto('/me/notifications');
    await settings.toggle('消息推送');
    await other.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect(other.getByRole('switch', { name: '消息推送', exact: true })).not.toBeChecked();
  });
});

test.describe('privacy switches', () => {
  test('personalised recommendations off at once, and the profile can be cleared', async ({ page, devSignIn, consentDialog, settings }, info) => {
    const user = await signedIn(devSignIn, consentDialog, 'huajian');
    await settings.goto('/me/privacy');
    await expect(settings.switch('个性化推荐')).toBeChecked();
    await expect(settings.row('个性化推荐').getByRole('link')).toHaveAttribute('href', /^\/huajian#/);
    await settings.toggle('个性化推荐');
    expect((await status(page, 'huajian', user)).switches).toMatchObject({ personalised_recommendations: false });
    await page.getByRole('button', { name: '清除推荐画像' }).click();
    await expect(page.getByRole('status').filter({ hasText: '已通知应用清除' })).toBeVisible();
    await screenshot(page, info, 'privacy');
    const feed = await page.request.get('/api/internal/apps/huajian/changes?after=0&limit=1000', {
      headers: { Authorization: `Bearer ${serviceToken('huajian')}` },
    });
    const kinds = (await feed.json()).changes.filter((c: { user: string }) => c.user === user).map((c: { kind: string }) => c.kind);
    expect(kinds).toEqual(['consent', 'switch', 'profile_reset']);
  });
});

test.describe('my data', () => {
  test('every change shows in the history, on the hub and in both copies', async ({ page, devSignIn, consentDialog, settings, hub, dataPage }, info) => {
    const user = await signedIn(devSignIn, consentDialog, 'vchat');
    await hub.goto();
    await expect(hub.card('我的数据')).toContainText('还没有更改过任何设置');
    await settings.goto('/me/notifications');
    await settings.toggle('消息推送');
    await hub.goto();
    await expect(hub.card('我的数据').locator('li.change')).toHaveCount(1);
    await expect(hub.card('我的数据')).toContainText('开启 → 关闭');
    await hub.card('我的数据').getByRole('link', { name: '全部记录与下载' }).click();
    await expect(dataPage.heading).toBeVisible();
    await expect(dataPage.changes).toHaveCount(1);
    await expect(dataPage.changes.first()).toContainText('消息推送 · 消息推送');
    await expect(dataPage.changes.first()).toContainText('开启 → 关闭');
    await expect(dataPage.changes.first()).toContainText('浏览器');
    await screenshot(page, info, 'data');

    const readable = await dataPage.download(dataPage.readableCopy);
    expect(readable.name).toBe(`privacy-center-export-vchat-${user}.html`);
    expect(readable.text).toContain('我的个人信息副本');
    expect(readable.text).toContain(user);
    expect(readable.text).toContain('开启 → 关闭');
    const json = await dataPage.download(dataPage.jsonCopy);
    expect(json.name).toBe(`privacy-center-export-vchat-${user}.json`);
    const copy = JSON.parse(json.text);
    expect(copy.history).toMatchObject([{ kind: 'push', item: 'message_push', old: 'on', new: 'off', label: '消息推送' }]);
    expect(copy.consents).toHaveLength(1);

    // The readable copy is a page people open from their downloads: look at it as one.
    const file = await page.context().newPage();
    await file.setContent(readable.text);
    await expect(file.getByRole('heading', { level: 1 })).toHaveText('我的个人信息副本');
    await expect(file.getByRole('row').filter({ hasText: '与服务有关的公告' })).toContainText('不可关闭');
    await screenshot(file, info, 'data-readable-copy');
  });
});
