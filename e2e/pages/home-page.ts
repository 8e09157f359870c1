import { expect, type Locator, type Page } from '@playwright/test';

/** `/`: the list of apps. */
export class HomePage {
  readonly heading: Locator;
  readonly appCards: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.appCards = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2 }) });
  }

  async goto() {
    await this.page.goto('/');
    await expect(this.heading).toBeVisible();
  }

  /** The card of one app, found by its display name. */
  app(name: string): Locator {
    return this.appCards.filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }

  async openApp(name: string) {
    await this.app(name).getByRole('link', { name, exact: true }).click();
  }

  async chooseLanguage(label: '简体中文' | 'English') {
    await this.page.getByRole('combobox').selectOption({ label });
  }
}
