import { expect, type Locator, type Page } from '@playwright/test';

/** `/{app}/history`: the version timeline. */
export class HistoryPage {
  readonly heading: Locator;
  readonly versions: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.versions = page.locator('.timeline > li');
  }

  async goto(app: string) {
    await this.page.goto(`/${app}/history`);
    await expect(this.heading).toBeVisible();
  }

  /** The timeline entry of one version. */
  version(version: string): Locator {
    return this.versions.filter({ has: this.page.getByRole('heading', { name: new RegExp(`· ${version}$`) }) });
  }
}
