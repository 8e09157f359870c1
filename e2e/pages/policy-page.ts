import { expect, type Locator, type Page } from '@playwright/test';

/** `/{app}`: one app's policy. */
export class PolicyPage {
  readonly title: Locator;
  readonly body: Locator;
  readonly toc: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByRole('heading', { level: 1 });
    this.body = page.locator('article .policy-body');
    this.toc = page.getByRole('navigation', { name: /目录|Contents/ });
  }

  async goto(app: string) {
    await this.page.goto(`/${app}`);
    await expect(this.title).toBeVisible();
  }

  /** Unfolds the table of contents where it starts folded (phones). */
  async openToc() {
    const details = this.toc.locator('details');
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
      await this.toc.getByText(/^(目录|Contents)$/).click();
    }
  }

  /** A section heading inside the policy text. */
  section(name: string): Locator {
    return this.body.getByRole('heading', { name, exact: true });
  }

  /** The value shown next to a fact label such as 生效日期. */
  fact(label: string): Locator {
    return this.page.locator('.policy-facts div').filter({ has: this.page.getByText(label, { exact: true }) }).locator('dd');
  }
}
