import { test, expect, allowFailedLoads } from '../fixtures';
import { serviceToken } from '../support/server';
import { holdingClock } from '../support/clock';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

test.describe('teen mode', () => {
  test('on with a password; five wrong codes lock it; after the lock the right code turns it off', async ({ page, devSignIn, consentDialog, teenMode, hub }, info) => {
    // Wrong codes (403) and locked attempts (429) are answers the page shows.
    allowFailedLoads(page, /\/api\/me\/teen-mode\/off$/);
    const user = newUserId();
    await devSignIn.signIn('huajian', user);
    await consentDialog.agree();

    await hub.goto();
    await expect(hub.card('青少年模式')).toContainText('未开启');
    await hub.card('青少年模式').getByRole('link', { name: '青少年模式' }).click();
    await expect(teenMode.heading).toBeVisible();
    await expect(page.getByText('16至18岁：每天最多使用 120 分钟')).toBeVisible();
    await expect(page.getByText('每天 22:00 至次日 06:00 无法使用')).toBeVisible();
    await expect(page.getByText(/暂停使用：.*打赏/)).toBeVisible();
    const newPin = page.getByLabel('设置 4 位数字密码');
    await expect(newPin).toHaveAttribute('type', 'password');
    await expect(newPin).toHaveAttribute('inputmode', 'numeric');
    await expect(newPin).toHaveAttribute('autocomplete', 'off');
    await expect(newPin).toHaveAttribute('maxlength', '4');
    await screenshot(page, info, 'teen-mode-off');
    await page.getByRole('button', { name: '开启青少年模式' }).scrollIntoViewIfNeeded();
    await screenshot(page, info, 'teen-mode-off-form');

    // A weak code is refused with its reason, before any request.
    await teenMode.turnOn('12至16岁', '1234');
    await expect(teenMode.message).toHaveText('不能使用连续的数字（如 1234、4321）。');
    await expect(newPin).toHaveValue('');
    await teenMode.turnOn('12至16岁', '5192', '5193');
    await expect(teenMode.message).toHaveText('两次输入的密码不一致，请重新输入。');

    await teenMode.turnOn('12至16岁', '5192');
    await expect(teenMode.state).toHaveText('已开启 · 12至16岁 · 每天 60 分钟');
    const status = await page.request.get(`/api/internal/apps/huajian/users/${user}/status`, {
      headers: { Authorization: `Bearer ${serviceToken('huajian')}` },
    });
    const teen = (await status.json()).teen_mode;
    expect(teen).toMatchObject({ on: true, age_band: '12_16', daily_minutes: 60, rest_reminder_minutes: 30 });
    expect(teen.restrictions).toContain('tipping');
    await screenshot(page, info, 'teen-mode-on');

    // From the first wrong code to the end of the lock, no other test may move the clock.
    await holdingClock(async () => {
      for (let i = 0; i < 4; i++) {
        expect((await teenMode.turnOff('3807')).status()).toBe(403);
        await expect(teenMode.lock).toHaveText(`密码不正确，还可以再试 ${4 - i} 次。`);
        await expect(teenMode.pinField()).toHaveValue('');
      }
      expect((await teenMode.turnOff('3807')).status()).toBe(403);
      await expect(teenMode.lock).toContainText('密码错误次数过多，已暂时锁定。请在');
      // Locked: even the right code is refused, and the page keeps saying so.
      expect((await teenMode.turnOff('5192')).status()).toBe(429);
      await expect(teenMode.lock).toContainText('已暂时锁定');
      await expect(teenMode.state).toContainText('已开启');
      await teenMode.offForm.scrollIntoViewIfNeeded();
      await screenshot(page, info, 'teen-mode-locked');

      await teenMode.advanceClock(15 * 60 + 1);
      await teenMode.goto();
      await expect(teenMode.lock).toHaveCount(0);
      expect((await teenMode.turnOff('5192')).status()).toBe(200);
      await expect(page.getByRole('button', { name: '开启青少年模式' })).toBeVisible();
    });
    await hub.goto();
    await expect(hub.card('青少年模式')).toContainText('未开启');
  });

  test('the band and the daily limit change only with the password', async ({ page, devSignIn, consentDialog, teenMode }, info) => {
    allowFailedLoads(page, /\/api\/me\/teen-mode$/);
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await teenMode.goto();
    await teenMode.turnOn('8至12岁', '8461');
    await expect(teenMode.state).toHaveText('已开启 · 8至12岁 · 每天 60 分钟');

    expect((await teenMode.changeBand('16至18岁', '90 分钟', '3807')).status()).toBe(403);
    await expect(page.getByRole('status').filter({ hasText: '密码不正确，还可以再试 4 次。' }).first()).toBeVisible();
    await expect(teenMode.state).toHaveText('已开启 · 8至12岁 · 每天 60 分钟');
    expect((await teenMode.changeBand('16至18岁', '90 分钟', '8461')).status()).toBe(200);
    await expect(teenMode.state).toHaveText('已开启 · 16至18岁 · 每天 90 分钟');
    await teenMode.openChangeBand();
    await page.getByRole('button', { name: '修改年龄段和时长' }).scrollIntoViewIfNeeded();
    await screenshot(page, info, 'teen-mode-change');
  });

  test('inside the host app whose device has minor mode on, the page offers to follow it and the host app is told', async ({ page, devSignIn, consentDialog, teenMode }, info) => {
    await teenMode.inHostApp({ platform: 'android', minorMode: 'on' });
    const user = newUserId();
    await devSignIn.signIn('vchat', user);
    await consentDialog.agree();
    await teenMode.goto();
    await expect(teenMode.deviceNote).toContainText('这台设备已在系统设置中开启未成年人模式');
    await expect(teenMode.followDevice).toBeChecked();
    await screenshot(page, info, 'teen-mode-device-minor-mode');

    await teenMode.turnOn('8至12岁', '5830');
    await expect(teenMode.state).toContainText('已开启 · 8至12岁');
    await expect(page.getByText('跟随设备的未成年人模式', { exact: true })).toBeVisible();
    const status = await page.request.get(`/api/internal/apps/vchat/users/${user}/status`, {
      headers: { Authorization: `Bearer ${serviceToken('vchat')}` },
    });
    expect((await status.json()).teen_mode).toMatchObject({ on: true, age_band: '8_12', follow_device: true });
  });

  test('the user may decline to follow the device', async ({ page, devSignIn, consentDialog, teenMode }) => {
    await teenMode.inHostApp({ platform: 'ios', minorMode: 'on' });
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await teenMode.goto();
    await teenMode.followDevice.uncheck();
    await teenMode.turnOn('16至18岁', '7305');
    await expect(teenMode.state).toContainText('已开启 · 16至18岁');
    await expect(page.getByText('跟随设备的未成年人模式', { exact: true })).toHaveCount(0);
    expect((await (await page.request.get('/api/me/teen-mode')).json()).follow_device).toBe(false);
  });

  test('a device whose minor mode is off is not mentioned', async ({ page, devSignIn, consentDialog, teenMode }) => {
    await teenMode.inHostApp({ platform: 'android', minorMode: 'off', hold: true });
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await teenMode.goto();
    await expect(page.getByText('16至18岁：每天最多使用 120 分钟')).toBeVisible();
    // The page asked the host; the host's "off" is delivered, then the page offers nothing.
    type Shim = { sent: { type: string }[]; release(): void };
    await expect.poll(() => page.evaluate(() => (window as unknown as { PrivacyCenterBridgeShim: Shim }).PrivacyCenterBridgeShim.sent.map((r) => r.type))).toContain('getMinorMode');
    await page.evaluate(
      () =>
        new Promise<void>((delivered) => {
          window.addEventListener('message', () => setTimeout(delivered, 0), { once: true });
          (window as unknown as { PrivacyCenterBridgeShim: Shim }).PrivacyCenterBridgeShim.release();
        }),
    );
    await expect(teenMode.deviceNote).toHaveCount(0);
    await expect(teenMode.followDevice).toHaveCount(0);
  });
});
