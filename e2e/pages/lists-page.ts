import { expect, type Locator, type Page } from '@playwright/test';

/** `/{app}/lists`: the app's two lists (双清单), public, in the controls' bundle. */
export class ListsPage {
  readonly heading: Locator;
  readonly search: Locator;
  readonly clear: Locator;
  readonly count: Locator;
  /** The list of personal information collected: its section, and its table (named by its caption). */
  readonly collectedSection: Locator;
  readonly collected: Locator;
  /** The list of third parties, SDKs included. */
  readonly thirdPartiesSection: Locator;
  readonly thirdParties: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.search = page.getByRole('searchbox', { name: '搜索清单' });
    this.clear = page.getByRole('button', { name: '清除' });
    this.count = page.getByRole('search').getByRole('status');
    this.collectedSection = page.getByRole('region', { name: /^个人信息收集清单/ });
    this.collected = this.collectedSection.getByRole('table', { name: /收集的个人信息/ });
    this.thirdPartiesSection = page.getByRole('region', { name: /^第三方共享清单/ });
    this.thirdParties = this.thirdPartiesSection.getByRole('table', { name: /共享个人信息的第三方/ });
  }

  async goto(app: string) {
    await this.page.goto(`/${app}/lists`);
    await expect(this.heading).toHaveText('个人信息收集与共享清单');
  }

  /** The rows a table shows (rows the search hides are not counted). */
  rows(table: Locator): Locator {
    return table.locator('tbody').getByRole('row');
  }

  /** The row whose first cell (its row header) reads `name`. */
  row(table: Locator, name: string | RegExp): Locator {
    return this.rows(table).filter({ has: this.page.getByRole('rowheader', { name }) });
  }

  /** A row's link to the policy section that says it (its last cell). */
  sectionLink(row: Locator): Locator {
    return row.getByRole('cell').last().getByRole('link');
  }

  /** What a list (its section) says when no row shows. */
  emptyMessage(section: Locator): Locator {
    return section.locator('.lists-empty');
  }
}
