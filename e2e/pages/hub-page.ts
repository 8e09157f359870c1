import { expect, type Locator, type Page } from '@playwright/test';

/** `/me`: the signed-in user's privacy hub (the controls' own bundle). */
export class HubPage {
  readonly heading: Locator;
  readonly cards: Locator;
  readonly signedOutHeading: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.cards = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2 }) });
    this.signedOutHeading = page.getByRole('heading', { name: '请从应用内打开此页面' });
  }

  async goto() {
    await this.page.goto('/me');
    await expect(this.heading).toBeVisible();
  }

  /** The card of one control, by its heading. */
  card(name: string): Locator {
    return this.cards.filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }
}
