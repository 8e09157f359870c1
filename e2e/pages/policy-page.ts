import { expect, type Locator, type Page } from '@playwright/test';

/** `/{app}`: one app's policy, with its contents, find bar and section links. */
export class PolicyPage {
  readonly title: Locator;
  readonly body: Locator;
  readonly toc: Locator;
  /** Opens the contents drawer; shown on phones only. */
  readonly tocToggle: Locator;
  /** Unfolds the find bar; shown on phones only. */
  readonly findToggle: Locator;
  readonly findInput: Locator;
  readonly findCount: Locator;
  readonly findNext: Locator;
  readonly findPrevious: Locator;
  /** The contents entry marked as the section in view (found even while the drawer is closed). */
  readonly currentTocEntry: Locator;
  /** The server's copy of the page, shown until the app takes over. */
  readonly serverCopy: Locator;
  /** The page's facts (operator, dates, version) and links, as text. */
  readonly header: Locator;
  /**
   * The policy the reader sees: the server's copy until the app takes over,
   * then the app's own. Both are in the DOM for a moment (the app's hidden),
   * so every locator inside the page goes through this one.
   */
  readonly article: Locator;
  /** The notice of a version announced to take effect later, above the current one. */
  readonly upcomingNotice: Locator;
  /** In that notice, for a signed-in user who agreed to the current version: agree to the new one now. */
  readonly agreeEarlyButton: Locator;
  /** In that notice, once the user has agreed to the new version early. */
  readonly agreedEarly: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByRole('heading', { level: 1 });
    this.article = page.locator('article.policy:visible');
    this.body = this.article.locator('.policy-body');
    this.toc = page.getByRole('navigation', { name: /目录|Contents/ });
    this.tocToggle = page.getByRole('button', { name: /^(☰ )?(目录|Contents)$/ });
    this.findToggle = page.getByRole('button', { name: /^(⌕ )?(查找|Find)$/ });
    this.findInput = page.getByRole('searchbox', { name: /在本政策中查找|Find in this policy/ });
    this.findCount = page.locator('.find-count');
    this.findNext = page.getByRole('button', { name: /^(下一个|Next match)$/ });
    this.findPrevious = page.getByRole('button', { name: /^(上一个|Previous match)$/ });
    this.currentTocEntry = page.locator('nav.toc a[aria-current="location"]');
    this.serverCopy = page.locator('#prerender');
    this.header = this.article.locator('.policy-header');
    this.upcomingNotice = this.article.getByRole('region', { name: /^(本政策将于|This policy changes on)/ });
    this.agreeEarlyButton = this.upcomingNotice.getByRole('button', { name: '现在同意新版本' });
    this.agreedEarly = this.upcomingNotice.getByRole('status');
  }

  /** Opens a policy and waits until the app runs it (the server's copy is gone). */
  async goto(app: string, fragment = '') {
    await this.page.goto(`/${app}${fragment}`);
    await this.appRunning();
  }

  /** Waits until the app has replaced the server's copy of the page with its own. */
  async appRunning() {
    await expect(this.serverCopy).toHaveCount(0);
    await expect(this.title).toBeVisible();
    await expect(this.body.locator('h2').first()).toBeVisible();
  }

  /**
   * Holds back the app's WebAssembly until the returned function is called,
   * so a test can look at the page the server sent before the app starts.
   */
  async holdApp(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    await this.page.route('**/*_bg.wasm', async (route) => {
      await released;
      await route.continue();
    });
    return release;
  }

  /** Makes the contents usable: opens the drawer where it is one (phones). */
  async openToc() {
    if (await this.tocToggle.isVisible()) {
      await this.tocToggle.click();
    }
    await expect(this.toc.getByRole('link').first()).toBeVisible();
  }

  /** A contents entry by its heading text. */
  tocLink(name: string): Locator {
    return this.toc.getByRole('link', { name, exact: true });
  }

  /** Makes the find box usable: unfolds it where it is folded (phones). */
  async openFind() {
    if (await this.findToggle.isVisible()) {
      await this.findToggle.click();
    }
    await expect(this.findInput).toBeVisible();
  }

  /** A section heading inside the policy text. */
  section(name: string): Locator {
    return this.body.getByRole('heading', { name, exact: true });
  }

  /** The value shown next to a fact label such as 生效日期. */
  fact(label: string): Locator {
    return this.article.locator('.policy-facts div').filter({ has: this.page.getByText(label, { exact: true }) }).locator('dd');
  }

  /** Waits until the page has stopped scrolling (smooth scrolls take a while). */
  async scrollSettled() {
    await this.page.waitForFunction(
      () =>
        new Promise<boolean>((resolve) => {
          const y = window.scrollY;
          setTimeout(() => requestAnimationFrame(() => resolve(window.scrollY === y)), 150);
        }),
    );
  }

  /** The page's vertical scroll offset in CSS pixels. */
  scrollY(): Promise<number> {
    return this.page.evaluate(() => window.scrollY);
  }

  /** Number of ranges in a CSS custom highlight (`find`, `find-current`). */
  highlighted(name: string): Promise<number> {
    return this.page.evaluate((n) => CSS.highlights.get(n)?.size ?? 0, name);
  }

  /** The text of the match the find bar points at. */
  currentMatch(): Promise<string> {
    return this.page.evaluate(() => {
      const h = CSS.highlights.get('find-current');
      const r = h ? ([...h][0] as Range | undefined) : undefined;
      return r ? r.toString() : '';
    });
  }
}
