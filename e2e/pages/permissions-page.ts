import { expect, type Locator, type Page } from '@playwright/test';
import { inHostApp, type ShimConfig } from '../support/host-app';

export type { ShimConfig };

/** A request the page sent through the bridge, as the shim parsed it. */
export type BridgeRequest = { v: number; id: string; type: string; permission?: string };

/** `/{app}/permissions`: the app's permission list, with browser or native states. */
export class PermissionsPage {
  readonly heading: Locator;
  readonly mode: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.mode = page.locator('.perm-mode');
  }

  async goto(app: string) {
    await this.page.goto(`/${app}/permissions`);
    await expect(this.heading).toHaveText('设备权限');
    await expect(this.group('位置')).toBeVisible();
  }

  /** Makes the page run inside a fake host app: the bridge shim, configured. */
  async inHostApp(config: ShimConfig) {
    await inHostApp(this.page, config);
  }

  /** The section of one kind of permission, by its heading. */
  group(kind: string): Locator {
    return this.page.getByRole('region', { name: kind, exact: true });
  }

  /** This browser's state of a kind (only outside the host app). */
  browserState(kind: string): Locator {
    return this.group(kind).locator('.perm-browser .perm-state');
  }

  /** The button that makes the browser's request for a kind. */
  allow(kind: string): Locator {
    return this.group(kind).getByRole('button', { name: '允许', exact: true });
  }

  /** One declared permission, by kind, platform and `app.toml` id. */
  item(kind: string, platform: 'Android' | 'iOS', id: string): Locator {
    return this.group(kind).locator(`li[data-platform="${platform}"][data-permission="${id}"]`);
  }

  /** The phone's state shown on a permission (inside the host app). */
  nativeState(kind: string, platform: 'Android' | 'iOS', id: string): Locator {
    return this.item(kind, platform, id).locator('.perm-state');
  }

  /** Every request the page sent to the fake host so far. */
  async bridgeRequests(): Promise<BridgeRequest[]> {
    return this.page.evaluate(() => (window as unknown as { PrivacyCenterBridgeShim: { sent: BridgeRequest[] } }).PrivacyCenterBridgeShim.sent);
  }

  /** Waits for the page's request of `type` and answers its id. */
  async waitForRequest(type: string): Promise<string> {
    let id = '';
    await expect
      .poll(async () => {
        id = (await this.bridgeRequests()).find((r) => r.type === type)?.id ?? '';
        return id;
      })
      .not.toBe('');
    return id;
  }

  /** Sends the fake host's held replies; with `holdNext`, holds the ones after. */
  async release(holdNext = false) {
    await this.page.evaluate((hold) => {
      const shim = (window as unknown as { PrivacyCenterBridgeShim: { release(): void; config: { hold: boolean } } }).PrivacyCenterBridgeShim;
      shim.release();
      shim.config.hold = hold;
    }, holdNext);
  }
}
