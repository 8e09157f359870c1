import { expect, type Locator, type Page } from '@playwright/test';

/**
 * `/preview` and below: the product team's preview (its own bundle) — the
 * staff sign-in, every version including drafts, one version rendered, and
 * the live editor.
 */
export class PreviewPage {
  readonly heading: Locator;
  readonly credential: Locator;
  readonly signInButton: Locator;
  readonly signOutButton: Locator;
  readonly alert: Locator;
  readonly note: Locator;
  /** The live editor's text area. */
  readonly source: Locator;
  readonly rawMode: Locator;
  readonly markdownMode: Locator;
  readonly diagnostics: Locator;
  readonly diff: Locator;
  /** The page the editor renders, as a reader would see it. */
  readonly rendered: Locator;
  readonly timing: Locator;
  /** The banner of a refused reload of the policy files, on every preview page. */
  readonly reloadRefused: Locator;
  /** The editor's note that a paste without front matter was imported as raw text. */
  readonly pastedRaw: Locator;
  readonly keepMarkdown: Locator;
  /** The note above a page that is not what the text says. */
  readonly stalePage: Locator;
  readonly importAsRaw: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 }).first();
    this.credential = page.getByLabel('团队凭证', { exact: true });
    this.signInButton = page.getByRole('button', { name: '登录', exact: true });
    this.signOutButton = page.getByRole('button', { name: '退出预览' });
    this.alert = page.getByRole('alert');
    this.note = page.getByRole('note');
    this.source = page.getByRole('textbox', { name: '政策文件' });
    this.rawMode = page.getByRole('radio', { name: /法务原文/ });
    this.markdownMode = page.getByRole('radio', { name: /Markdown/ });
    this.diagnostics = page.getByRole('region', { name: '检查结果' });
    this.diff = page.getByRole('region', { name: '与当前发布版本的差异' });
    this.rendered = page.locator('.editor-rendered article');
    this.timing = page.locator('.editor-timing');
    this.reloadRefused = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: '服务器没有采用修改后的政策文件' }) });
    this.pastedRaw = page.getByRole('status').filter({ hasText: '已按法务原文导入' });
    this.keepMarkdown = page.getByRole('button', { name: '仍按 Markdown 处理' });
    this.stalePage = page.getByRole('status').filter({ hasText: '不是你现在输入的文本' });
    this.importAsRaw = page.getByRole('button', { name: '按法务原文导入' });
  }

  async goto(path = '/preview') {
    await this.page.goto(path);
  }

  /** Enters the staff credential on whatever preview page shows the form. */
  async signIn(credential: string) {
    await this.credential.fill(credential);
    await this.signInButton.click();
  }

  /** Opens `/preview`, signs in, and waits for the version list. */
  async signInAndList(credential: string) {
    await this.goto();
    await this.signIn(credential);
    await expect(this.heading).toHaveText('全部版本');
  }

  /** An app's section in the version list. */
  app(name: string): Locator {
    return this.page.getByRole('region', { name: new RegExp(`^${name}`) });
  }

  /** A version's row in an app's section. */
  version(appName: string, version: string): Locator {
    return this.app(appName).getByRole('listitem').filter({ hasText: version });
  }

  /** Opens the editor on an app's version (signed in already). */
  async openEditor(app: string, version: string) {
    await this.page.goto(`/preview/editor?app=${app}&version=${version}`);
    await expect(this.source).not.toHaveValue('');
  }

  /**
   * Replaces the editor's text with `text` through the clipboard, as a
   * person pastes: select all, then Ctrl+V (a real paste event).
   */
  async paste(text: string) {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await this.source.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('ControlOrMeta+V');
  }

  /** Follows a link of the preview's header (a move inside the preview). */
  async nav(name: string) {
    await this.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  }

  /** Replaces the editor's text as if typed at once. */
  async replaceText(text: string) {
    await this.source.fill(text);
  }
}
