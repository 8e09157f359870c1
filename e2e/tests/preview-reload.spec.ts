import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, expect } from '../fixtures';
import { Sandbox, Server, staffCredential } from '../support/server';
import { screenshot } from '../support/shots';
import { RAW_POLICY as RAW } from '../support/raw-policy';

// The product team's side of a live policy tree: the editor when raw legal
// text lands in Markdown mode, and the banner that says the server refused
// the team's changed files (the old tree keeps serving readers).

test.describe('the live editor with raw text in Markdown mode', () => {
  test('a paste without front matter is imported as raw text, and says so', async ({ preview, page }, info) => {
    await preview.signInAndList(staffCredential());
    await preview.openEditor('weimeng', '2022-04-24');
    await expect(preview.rendered.getByRole('heading', { level: 1 })).toHaveText('微萌隐私政策');
    await expect(preview.markdownMode).toBeChecked();

    await preview.paste(RAW);
    await expect(preview.rawMode).toBeChecked();
    await expect(preview.pastedRaw).toBeVisible();
    await expect(preview.source).toHaveValue(RAW);
    await expect(preview.rendered.getByRole('heading', { level: 2, name: '一、我们如何收集和使用您的个人信息' })).toBeVisible();
    // The text names itself: its title is kept, not prefixed with the app's name.
    await expect(preview.rendered.getByRole('heading', { level: 1 })).toHaveText('微梦隐私政策');
    await expect(preview.stalePage).toHaveCount(0);
    await screenshot(page, info, 'preview-editor-pasted-raw');

    // Taken back as Markdown, the text makes no page: the one in view is
    // the imported one, and the editor says it is not what was typed.
    await preview.keepMarkdown.click();
    await expect(preview.markdownMode).toBeChecked();
    await expect(preview.pastedRaw).toHaveCount(0);
    await expect(preview.stalePage).toBeVisible();
    await expect(preview.importAsRaw).toBeVisible();
    await preview.importAsRaw.click();
    await expect(preview.rawMode).toBeChecked();
    await expect(preview.stalePage).toHaveCount(0);
    await expect(preview.source).toHaveValue(RAW);
  });

  test('raw text typed over a loaded policy does not pass for it', async ({ preview, page }, info) => {
    await preview.signInAndList(staffCredential());
    await preview.openEditor('weimeng', '2022-04-24');
    await expect(preview.rendered.getByRole('heading', { level: 1 })).toHaveText('微萌隐私政策');
    // Typed (no paste): the mode stays, and the page still in view is
    // named for what it is.
    await preview.replaceText(RAW);
    await expect(preview.stalePage).toContainText('微萌隐私政策 2022-04-24');
    await expect(preview.markdownMode).toBeChecked();
    await expect(preview.rendered.getByRole('heading', { level: 1 })).toHaveText('微萌隐私政策');
    await expect(page.locator('.editor-rendered')).toHaveClass(/editor-rendered-stale/);
    await preview.stalePage.scrollIntoViewIfNeeded();
    await screenshot(page, info, 'preview-editor-stale');
    await preview.importAsRaw.click();
    await expect(preview.rendered.getByRole('heading', { level: 2, name: '二、我们如何保护您的个人信息' })).toBeVisible();
    await expect(page.locator('.editor-rendered')).not.toHaveClass(/editor-rendered-stale/);
  });
});

test.describe('a refused reload on a server of its own', () => {
  test.describe.configure({ timeout: 60_000 });
  // The team's browser in China: times read in its own zone, not UTC.
  test.use({ timezoneId: 'Asia/Shanghai' });

  test('the team sees why the changed files were refused while readers keep the old tree', async ({ preview, page }, info) => {
    const sandbox = new Sandbox();
    const server = await Server.start(sandbox);
    try {
      const file = path.join(sandbox.policies, 'vchat', '2020-10-01.md');
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.replace('status = "published"', 'status = "publishd"'));
      server.hangUp();

      await page.goto(`${server.url}/preview`);
      await preview.signIn(staffCredential(sandbox.dataDir));
      await expect(preview.heading).toHaveText('全部版本');
      const refused = async () => (await (await page.request.get(`${server.url}/api/staff/policies/reload`)).json()).refused;
      await expect.poll(refused).not.toBeNull();
      await page.reload();
      await expect(preview.reloadRefused).toContainText('vchat/2020-10-01.md:4:');
      await expect(preview.reloadRefused).toContainText('用户看到的仍是');
      const at: string = (await refused()).at;
      const inShanghai = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      }).format(new Date(at));
      await expect(preview.reloadRefused).toContainText(`${inShanghai} 重新加载政策文件时`);
      await expect(preview.reloadRefused).not.toContainText('UTC');
      await screenshot(page, info, 'preview-reload-refused');
      // Readers still get the tree loaded at start.
      const current = await (await page.request.get(`${server.url}/api/apps/vchat/policies/current`)).json();
      expect(current.meta.version).toBe('2020-10-01');

      fs.writeFileSync(file, text);
      server.hangUp();
      await expect.poll(refused).toBeNull();
      // Moving to another preview page asks again: the banner is gone.
      await preview.nav('实时编辑器');
      await expect(preview.heading).toHaveText('实时编辑器');
      await expect(preview.reloadRefused).toHaveCount(0);
    } finally {
      await server.stop();
      sandbox.remove();
    }
  });
});
