import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

/** The signed-in user's settings history, as `GET /api/me/history` answers it. */
async function history(page: Page): Promise<{ kind: string; item: string; new: string }[]> {
  const res = await page.request.get('/api/me/history');
  expect(res.status()).toBe(200);
  return res.json();
}

/** Posts a message to the page as if from `origin` (a frame of another site). */
async function messageFrom(page: Page, origin: string, data: unknown) {
  await page.evaluate(([o, d]) => window.dispatchEvent(new MessageEvent('message', { data: d, origin: o as string })), [origin, data]);
}

test.describe('permissions in a browser', () => {
  test('every permission is listed by kind with its purpose and policy section', async ({ page, permissionList }, info) => {
    await permissionList.goto('vchat');
    const camera = permissionList.item('相机', 'Android', 'camera');
    await expect(camera).toContainText('拍摄照片和视频');
    await expect(camera).toContainText('用于实现照片拍摄、录制视频功能');
    await expect(camera.getByRole('link', { name: '安卓操作系统应用权限列表' })).toHaveAttribute('href', /^\/vchat#/);
    await expect(permissionList.item('相机', 'iOS', 'camera').getByRole('link', { name: 'iOS操作系统应用权限列表' })).toBeVisible();
    // Kinds without a Web API have no browser state.
    await expect(permissionList.group('照片与存储').locator('.perm-browser')).toHaveCount(0);
    await expect(permissionList.group('通讯录')).toBeVisible();
    // The link lands on the section in the policy.
    await camera.getByRole('link', { name: '安卓操作系统应用权限列表' }).click();
    await expect(page).toHaveURL(/\/vchat#/);
    await expect(page.getByRole('heading', { name: '安卓操作系统应用权限列表' })).toBeInViewport();
  });

  test('the page follows the browser: a grant while open shows at once', async ({ page, context, permissionList }, info) => {
    await permissionList.goto('vchat');
    await expect(permissionList.browserState('位置')).toHaveText('未决定');
    await expect(permissionList.allow('位置')).toBeVisible();
    // The purpose is shown with the request.
    await expect(permissionList.group('位置').locator('.perm-browser')).toContainText('用途：用于完成安全保障服务');
    await screenshot(page, info, 'permissions-browser');
    await context.grantPermissions(['geolocation']);
    await expect(permissionList.browserState('位置')).toHaveText('已允许');
    await expect(permissionList.allow('位置')).toHaveCount(0);
  });

  test('camera and microphone granted in this browser show as allowed', async ({ context, permissionList }) => {
    await context.grantPermissions(['camera', 'microphone']);
    await permissionList.goto('huajian');
    await expect(permissionList.browserState('相机')).toHaveText('已允许');
    await expect(permissionList.browserState('麦克风')).toHaveText('已允许');
    // A grant rejects what it does not name (CDP's grantPermissions): shown as blocked, with the way back.
    await expect(permissionList.browserState('位置')).toHaveText('已禁止');
    await expect(permissionList.group('位置')).toContainText('你已在此浏览器中禁止位置权限');
  });

  test('granted notifications say how to turn them off here', async ({ context, permissionList }) => {
    await context.grantPermissions(['notifications']);
    await permissionList.goto('vchat');
    await expect(permissionList.browserState('通知')).toHaveText('已允许');
    const how = permissionList.group('通知').getByRole('button', { name: '如何关闭' });
    await how.click();
    await expect(how).toHaveAttribute('aria-expanded', 'true');
    await expect(permissionList.group('通知')).toContainText('网页无法自行撤销权限');
  });

  test('a refusal is not asked again for 48 hours on this device, and is recorded for a signed-in user', async ({ page, devSignIn, consentDialog, permissionList }) => {
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await permissionList.goto('vchat');
    // The test browser refuses every request nobody granted.
    await permissionList.allow('位置').click();
    const note = permissionList.group('位置').getByRole('status');
    await expect(note).toContainText('之前不会再次询问');
    await expect(permissionList.allow('位置')).toHaveCount(0);
    await expect.poll(async () => (await history(page)).filter((h) => h.kind === 'permission').map((h) => `${h.item}=${h.new}`)).toEqual(['location_coarse=denied']);
    // Remembered on the device across a reload.
    await page.reload();
    await expect(note).toContainText('之前不会再次询问');
    await expect(permissionList.allow('位置')).toHaveCount(0);
  });

  test('a refusal remembered on this device holds for 48 hours, then the page may ask again', async ({ page, permissionList }) => {
    await permissionList.goto('shanliao');
    await expect(permissionList.allow('相机')).toBeVisible();
    const refusedHoursAgo = (hours: number) =>
      page.evaluate((h) => localStorage.setItem('privacy-center.refused.shanliao.camera', String(Date.now() - h * 3600 * 1000)), hours);
    await refusedHoursAgo(47);
    await page.reload();
    await expect(permissionList.group('相机').getByRole('status')).toContainText('之前不会再次询问');
    await expect(permissionList.allow('相机')).toHaveCount(0);
    // Other kinds are not affected.
    await expect(permissionList.allow('麦克风')).toBeVisible();
    await refusedHoursAgo(49);
    await page.reload();
    await expect(permissionList.allow('相机')).toBeVisible();
  });

  test('signed out, a decision is not sent anywhere', async ({ page, permissionList }) => {
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET') sent.push(r.url());
    });
    await permissionList.goto('weimeng');
    await permissionList.allow('位置').click();
    await expect(permissionList.group('位置').getByRole('status')).toContainText('之前不会再次询问');
    expect(sent).toEqual([]);
  });

  test('a path that is no app shows the not-found page', async ({ page, notFound }) => {
    for (const path of ['/nope/permissions', '/VChat/permissions']) {
      await page.goto(path);
      await expect(notFound.heading).toBeVisible();
      await expect(page.locator('.not-found')).toBeVisible();
    }
  });

  test('the hub links to the permissions of the app with a count', async ({ page, devSignIn, consentDialog, hub, permissionList }) => {
    await devSignIn.signIn('huajian', newUserId());
    await consentDialog.agree();
    await hub.goto();
    const card = hub.card('设备权限');
    await expect(card).toContainText('声明 14 项权限');
    await card.getByRole('link', { name: '设备权限' }).click();
    await expect(page).toHaveURL(/\/huajian\/permissions$/);
    await expect(permissionList.group('位置')).toBeVisible();
  });
});

test.describe('permissions inside the host app (bridge)', () => {
  test('shows the phone states instead of the browser ones and opens system settings', async ({ page, permissionList }, info) => {
    await permissionList.inHostApp({
      platform: 'android',
      states: { camera: 'granted', location_fine: 'denied', location_coarse: 'not_asked', storage_read: 'restricted' },
    });
    await permissionList.goto('vchat');
    await expect(permissionList.mode).toContainText('Android 系统设置');
    await expect(permissionList.nativeState('相机', 'Android', 'camera')).toHaveText('已允许');
    await expect(permissionList.nativeState('位置', 'Android', 'location_fine')).toHaveText('已禁止');
    await expect(permissionList.nativeState('位置', 'Android', 'location_coarse')).toHaveText('未询问');
    await expect(permissionList.nativeState('照片与存储', 'Android', 'storage_read')).toHaveText('受限制');
    await expect(permissionList.nativeState('通讯录', 'Android', 'contacts')).toHaveText('未知');
    // Other platforms' entries carry no state; the browser's boxes are gone.
    await expect(permissionList.nativeState('相机', 'iOS', 'camera')).toHaveCount(0);
    await expect(page.locator('.perm-browser')).toHaveCount(0);
    await screenshot(page, info, 'permissions-in-app');

    await permissionList.item('相机', 'Android', 'camera').getByRole('button', { name: '去系统设置' }).click();
    await expect(permissionList.item('相机', 'Android', 'camera').getByRole('status')).toHaveText('已打开系统设置。返回此页后状态会自动更新。');
    const sent = await permissionList.bridgeRequests();
    expect(sent.find((r) => r.type === 'openSettings')).toMatchObject({ v: 1, type: 'openSettings', permission: 'camera' });
  });

  test('a change made in the system settings shows on return and goes to the signed-in user\'s history', async ({ page, devSignIn, consentDialog, permissionList }) => {
    await permissionList.inHostApp({ platform: 'ios', states: { camera: 'denied', microphone: 'granted' } });
    await devSignIn.signIn('weimeng', newUserId());
    await consentDialog.agree();
    await permissionList.goto('weimeng');
    await expect(permissionList.nativeState('相机', 'iOS', 'camera')).toHaveText('已禁止');
    await permissionList.item('相机', 'iOS', 'camera').getByRole('button', { name: '去系统设置' }).click();
    await expect(permissionList.item('相机', 'iOS', 'camera').getByRole('status')).toBeVisible();
    // The user allows the camera in the phone's settings and comes back.
    await page.evaluate(() => {
      (window as unknown as { PrivacyCenterBridgeShim: { config: { states: Record<string, string> } } }).PrivacyCenterBridgeShim.config.states.camera = 'granted';
      window.dispatchEvent(new Event('focus'));
    });
    await expect(permissionList.nativeState('相机', 'iOS', 'camera')).toHaveText('已允许');
    await expect
      .poll(async () => (await history(page)).filter((h) => h.kind === 'permission').map((h) => `${h.item}=${h.new}`))
      .toEqual(['camera=granted']);
  });

  test('messages from other origins and malformed ones are ignored without an error', async ({ page, permissionList }) => {
    await permissionList.inHostApp({ platform: 'ios', states: { camera: 'denied' }, hold: true });
    await page.goto('/vchat/permissions');
    const hello = await permissionList.waitForRequest('hello');
    const origin = new URL(page.url()).origin;
    // Another site claims to be the host, on Android.
    await messageFrom(page, 'https://evil.example', JSON.stringify({ v: 1, id: hello, ok: true, result: { platform: 'android', versions: [1] } }));
    // Garbage and near misses from our own origin.
    for (const data of [
      'not json',
      JSON.stringify({ v: 1, id: hello }),
      JSON.stringify({ v: 2, id: hello, ok: true, result: { platform: 'android', versions: [2] } }),
      JSON.stringify({ v: 1, id: hello, ok: true, result: { platform: 'web', versions: [1] } }),
      { v: 1, id: hello, ok: true, result: { platform: 'android', versions: [1] }, extra: true },
      42,
    ]) {
      await messageFrom(page, origin, data);
    }
    await permissionList.release(true);
    await expect(permissionList.mode).toContainText('iOS 系统设置');
    const ask = await permissionList.waitForRequest('getPermissions');
    await messageFrom(page, 'https://evil.example', JSON.stringify({ v: 1, id: ask, ok: true, result: { permissions: { camera: 'granted' } } }));
    await messageFrom(page, origin, JSON.stringify({ v: 1, id: ask, ok: true, result: { permissions: { camera: 'maybe' } } }));
    await permissionList.release();
    await expect(permissionList.nativeState('相机', 'iOS', 'camera')).toHaveText('已禁止');
  });
});
