import { expect, type Locator, type Page } from '@playwright/test';

/** `/{app}/compare/{from}/{to}`: what changed between two versions. */
export class ComparePage {
  readonly heading: Locator;
  readonly summary: Locator;
  readonly nav: Locator;
  readonly status: Locator;
  readonly next: Locator;
  readonly previous: Locator;
  /** Added, removed, changed and moved sections (the navigation's stops). */
  readonly changes: Locator;
  /** Folded runs of unchanged sections. */
  readonly folds: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.summary = page.getByRole('region', { name: /变更摘要|What changed/ });
    this.nav = page.getByRole('navigation', { name: /变更导航|Changes/ });
    this.status = this.nav.getByRole('status');
    this.next = this.nav.getByRole('button', { name: /下一处|Next/ });
    this.previous = this.nav.getByRole('button', { name: /上一处|Previous/ });
    this.changes = page.locator('.diff-sections section[data-status]:not([data-status=unchanged])');
    this.folds = page.locator('details.diff-same');
    this.error = page.getByRole('alert');
  }

  async goto(app: string, from: string, to: string) {
    await this.page.goto(`/${app}/compare/${from}/${to}`);
    await expect(this.heading).toBeVisible();
  }

  /** The number the summary shows next to a status label such as 新增. */
  async count(label: string): Promise<number> {
    const dd = this.summary.locator('dl div').filter({ has: this.page.getByText(label, { exact: true }) }).locator('dd');
    return Number(await dd.textContent());
  }

  /** A changed section by its (new) heading. */
  change(title: string): Locator {
    return this.changes.filter({ has: this.page.getByRole('heading', { name: title, exact: true }) });
  }

  /** Sections with a status, unfolded or not. */
  sections(status: 'added' | 'removed' | 'changed' | 'moved' | 'unchanged'): Locator {
    return this.page.locator(`.diff-sections section[data-status=${status}]`);
  }

  /** Unfolds every run of unchanged sections. */
  async unfoldAll() {
    for (const fold of await this.folds.all()) {
      await fold.locator('summary').click();
      await expect(fold).toHaveAttribute('open', '');
    }
  }
}
