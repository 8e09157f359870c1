import { type Locator, type Page } from '@playwright/test';

/** The 404 page. */
export class NotFoundPage {
  readonly heading: Locator;
  readonly homeLink: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.homeLink = page.getByRole('main').getByRole('link', { name: /返回|Back/ });
  }
}
