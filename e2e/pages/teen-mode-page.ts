import { expect, type Locator, type Page } from '@playwright/test';
import { inHostApp, type ShimConfig } from '../support/host-app';

/** `/me/teen-mode`: turning teen mode on with a password, and off with it. */
export class TeenModePage {
  readonly heading: Locator;
  /** The state line ("已开启 · 12至16岁 · 每天 60 分钟" or "未开启"). */
  readonly state: Locator;
  /** What the last attempt said (a refusal). */
  readonly message: Locator;
  /** The lock message, or the attempts left, in the "turn off" form. */
  readonly lock: Locator;
  readonly offForm: Locator;
  /** Inside the host app whose device has minor mode on: the offer to follow it. */
  readonly deviceNote: Locator;
  readonly followDevice: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: '青少年模式' });
    this.state = page.locator('.teen-state .hub-state');
    this.message = page.getByRole('alert');
    this.offForm = page.locator('form').filter({ has: page.getByRole('button', { name: '关闭青少年模式' }) });
    this.lock = this.offForm.getByRole('status');
    this.deviceNote = page.getByRole('note').filter({ hasText: '未成年人模式' });
    this.followDevice = page.getByRole('checkbox', { name: /跟随设备的未成年人模式/ });
  }

  /** Makes the page run inside a fake host app (the bridge shim, configured). */
  async inHostApp(config: ShimConfig) {
    await inHostApp(this.page, config);
  }

  async goto() {
    await this.page.goto('/me/teen-mode');
    await expect(this.heading).toBeVisible();
  }

  /** Chooses an age band and enters the new password twice. */
  async turnOn(band: string, pin: string, again = pin) {
    await this.page.getByRole('radio', { name: band }).check();
    await this.page.getByLabel('设置 4 位数字密码').fill(pin);
    await this.page.getByLabel('再次输入密码').fill(again);
    await this.page.getByRole('button', { name: '开启青少年模式' }).click();
  }

  /** Enters a password to turn teen mode off and waits for the answer. */
  async turnOff(pin: string) {
    const answered = this.page.waitForResponse((r) => r.url().endsWith('/api/me/teen-mode/off'));
    await this.offForm.getByLabel('输入密码').fill(pin);
    await this.offForm.getByRole('button', { name: '关闭青少年模式' }).click();
    return answered;
  }

  /** Opens the "change the age band and limit" section unless it is open. */
  async openChangeBand() {
    const details = this.page.locator('details').filter({ hasText: '修改年龄段和时长' });
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
      await details.locator('summary').click();
    }
  }

  /** Opens "change the age band and limit", picks both and enters the password. */
  async changeBand(band: string, minutes: string, pin: string) {
    await this.openChangeBand();
    const form = this.page.locator('form').filter({ has: this.page.getByRole('button', { name: '修改年龄段和时长' }) });
    await form.getByRole('radio', { name: band }).check();
    await form.getByLabel('每天可用时长').selectOption({ label: minutes });
    await form.getByLabel('输入密码').fill(pin);
    const answered = this.page.waitForResponse((r) => r.url().endsWith('/api/me/teen-mode') && r.request().method() === 'PUT');
    await form.getByRole('button', { name: '修改年龄段和时长' }).click();
    return answered;
  }

  /** The password field of the "turn off" form. */
  pinField(): Locator {
    return this.offForm.getByLabel('输入密码');
  }

  /** Moves the server's clock forward (`serve --dev` only). */
  async advanceClock(seconds: number) {
    const res = await this.page.request.post('/api/dev/clock', { data: { advance_seconds: seconds } });
    expect(res.status()).toBe(200);
  }
}
