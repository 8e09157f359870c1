import { test as base, expect, type Page } from '@playwright/test';
import { HomePage } from './pages/home-page';
import { PolicyPage } from './pages/policy-page';
import { NotFoundPage } from './pages/not-found-page';
import { HistoryPage } from './pages/history-page';
import { ComparePage } from './pages/compare-page';
import { ConsentDialog } from './pages/consent-dialog';
import { ConsentsPage } from './pages/consents-page';
import { DevSignInPage } from './pages/dev-sign-in-page';
import { PreviewPage } from './pages/preview-page';
import { DataPage } from './pages/data-page';
import { HubPage } from './pages/hub-page';
import { SettingsPage } from './pages/settings-page';
import { PermissionsPage } from './pages/permissions-page';
import { ListsPage } from './pages/lists-page';
import { TeenModePage } from './pages/teen-mode-page';
import { AccountPage } from './pages/account-page';

type Pages = {
  home: HomePage;
  policy: PolicyPage;
  notFound: NotFoundPage;
  history: HistoryPage;
  compare: ComparePage;
  consentDialog: ConsentDialog;
  consents: ConsentsPage;
  devSignIn: DevSignInPage;
  preview: PreviewPage;
  hub: HubPage;
  dataPage: DataPage;
  settings: SettingsPage;
  /** `/{app}/permissions` (not `permissions`: that is Playwright's own option). */
  permissionList: PermissionsPage;
  lists: ListsPage;
  teenMode: TeenModePage;
  account: AccountPage;
  /** Fails the test on any uncaught error, console error or CSP violation in the page. */
  pageErrors: void;
};

/** Failed loads a test causes on purpose (say, an intercepted 500), per page. */
const expectedFailures = new WeakMap<Page, RegExp[]>();

/** Lets `page` log failed loads of URLs matching `url`: the test breaks them on purpose. */
export function allowFailedLoads(page: Page, url: RegExp) {
  expectedFailures.set(page, [...(expectedFailures.get(page) ?? []), url]);
}

export const test = base.extend<Pages>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // A 404 the test asked for is logged by Chromium as a failed resource; that is expected.
        // So is a 401 from a refused handoff token or staff credential, or
        // asking the preview "am I staff?": the UI shows those states itself.
        // A signed-out visitor's "who am I?" (GET /api/session) answers 200.
        const refused = /status of 401/.test(m.text()) && /\/api\/(session|staff\/apps|staff\/session)$/.test(m.location().url);
        // A pair of versions the compare page was asked for and the API
        // refuses (422 same_version / reversed_versions): the page says why.
        const uncomparable = /status of 422/.test(m.text()) && /\/api\/apps\/[^/]+\/compare\//.test(m.location().url);
        const meant = (expectedFailures.get(page) ?? []).some((u) => u.test(m.location().url));
        if (m.type() === 'error' && !/status of 404/.test(m.text()) && !refused && !uncomparable && !meant) errors.push(`console: ${m.text()}`);
      });
      await use();
      expect(errors, 'errors in the page').toEqual([]);
    },
    { auto: true },
  ],
  home: async ({ page }, use) => use(new HomePage(page)),
  policy: async ({ page }, use) => use(new PolicyPage(page)),
  notFound: async ({ page }, use) => use(new NotFoundPage(page)),
  history: async ({ page }, use) => use(new HistoryPage(page)),
  compare: async ({ page }, use) => use(new ComparePage(page)),
  consentDialog: async ({ page }, use) => use(new ConsentDialog(page)),
  consents: async ({ page }, use) => use(new ConsentsPage(page)),
  devSignIn: async ({ page }, use) => use(new DevSignInPage(page)),
  preview: async ({ page }, use) => use(new PreviewPage(page)),
  hub: async ({ page }, use) => use(new HubPage(page)),
  dataPage: async ({ page }, use) => use(new DataPage(page)),
  settings: async ({ page }, use) => use(new SettingsPage(page)),
  permissionList: async ({ page }, use) => use(new PermissionsPage(page)),
  lists: async ({ page }, use) => use(new ListsPage(page)),
  teenMode: async ({ page }, use) => use(new TeenModePage(page)),
  account: async ({ page }, use) => use(new AccountPage(page)),
});

export { expect };
