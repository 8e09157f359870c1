import { expect, type Locator, type Page } from '@playwright/test';

/** `/me/notifications` and `/me/privacy`: rows of switches saved at once. */
export class SettingsPage {
  readonly heading: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.error = page.getByRole('alert');
  }

  async goto(path: '/me/notifications' | '/me/privacy') {
    await this.page.goto(path);
    await expect(this.heading).toBeVisible();
    await expect(this.page.getByRole('switch').first()).toBeVisible();
  }

  /** A switch by its label. */
  switch(name: string): Locator {
    return this.page.getByRole('switch', { name, exact: true });
  }

  /** The row of a setting, with its notes. */
  row(name: string): Locator {
    return this.page.locator('.setting-row').filter({ has: this.switch(name) });
  }

  /** Flips a switch and waits until its save has been answered. */
  async toggle(name: string) {
    const saved = this.page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/me\/(push|switches)$/.test(r.url()));
    await this.switch(name).click();
    await saved;
    await expect(this.switch(name)).toBeEnabled();
  }
}
