import { test, expect } from '../fixtures';
import { screenshot } from '../support/shots';

// The largest policy; its later sections are far below the first screen.
const APP = 'huajian';
const SECTION = '五、您的权利';
const SECTION_ID = '五-您的权利';

/** The policy text as the API serves it (HTML without tags), for counting words. */
async function policyText(request: import('@playwright/test').APIRequestContext, app: string) {
  const doc = await (await request.get(`/api/apps/${app}/policies/current`)).json();
  return (doc.html as string).replace(/<[^>]*>/g, '');
}

test.describe('reader: contents and section links', () => {
  test('a contents entry scrolls to its section, marks it, and puts it in the URL', async ({ policy, page }, info) => {
    await policy.goto(APP);
    await expect(policy.section(SECTION)).not.toBeInViewport();
    await policy.openToc();
    const entry = policy.tocLink(SECTION);
    await entry.click();
    await expect(policy.section(SECTION)).toBeInViewport();
    await expect(page).toHaveURL(new RegExp(`/${APP}#${encodeURIComponent(SECTION_ID)}$`));
    // The section in view is the one the contents highlight (scroll-spy).
    await expect(policy.currentTocEntry).toHaveText(SECTION);
    if (info.project.name === 'phone') await expect(policy.toc).toBeHidden();
    // Scrolling back up moves the highlight with the reader.
    await policy.section('二、我们如何使用Cookie、同类技术和SDK技术').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy({ top: -40, behavior: 'instant' }));
    await expect(policy.currentTocEntry).toHaveText('（六）无需征得同意收集和使用的个人信息');
  });

  test('a shared link to a section lands on it, highlighted, and so does a reload', async ({ policy, page }) => {
    await policy.goto(APP, `#${encodeURIComponent(SECTION_ID)}`);
    const heading = policy.section(SECTION);
    await expect(heading).toBeInViewport();
    await expect(heading).toHaveClass(/flash/);
    await expect(heading).not.toHaveClass(/flash/, { timeout: 5000 });
    await page.reload();
    await expect(policy.section(SECTION)).toBeInViewport();
  });

  test("a heading's # link puts the section in the URL", async ({ policy, page }) => {
    await policy.goto(APP);
    const heading = policy.section('四、我们如何保护个人信息');
    await heading.scrollIntoViewIfNeeded();
    await heading.locator('.heading-anchor').click();
    await expect(page).toHaveURL(new RegExp(`#${encodeURIComponent('四-我们如何保护个人信息')}$`));
    await expect(heading).toBeInViewport();
  });

  test('phones: the contents drawer opens with focus inside, navigates, and closes', async ({ policy, page }, info) => {
    test.skip(info.project.name !== 'phone', 'the drawer exists on narrow screens only');
    await policy.goto(APP);
    await expect(policy.toc).toBeHidden();
    await policy.tocToggle.click();
    await expect(policy.toc).toBeVisible();
    await expect(policy.tocToggle).toHaveAttribute('aria-expanded', 'true');
    // Focus moved into the drawer.
    expect(await page.evaluate(() => !!document.activeElement?.closest('nav.toc'))).toBe(true);
    await screenshot(page, info, 'policy-drawer');
    // Escape closes it and gives focus back to the button.
    await page.keyboard.press('Escape');
    await expect(policy.toc).toBeHidden();
    await expect(policy.tocToggle).toBeFocused();
    // The backdrop closes it too.
    await policy.tocToggle.click();
    await page.mouse.click(350, 320);
    await expect(policy.toc).toBeHidden();
    // An entry navigates and closes the drawer.
    await policy.tocToggle.click();
    await policy.tocLink('六、我们如何处理未成年人的个人信息').click();
    await expect(policy.toc).toBeHidden();
    await expect(policy.section('六、我们如何处理未成年人的个人信息')).toBeInViewport();
  });
});

test.describe('reader: find in policy', () => {
  test('counts a word and steps through its matches both ways', async ({ policy, page, request }, info) => {
    const word = '注销';
    const text = await policyText(request, APP);
    const n = text.split(word).length - 1;
    expect(n, 'the word occurs several times').toBeGreaterThan(3);

    await policy.goto(APP);
    await policy.openFind();
    await policy.findInput.fill(word);
    await expect(policy.findCount).toHaveText(`1 / ${n}`);
    expect(await policy.highlighted('find')).toBe(n);
    expect(await policy.currentMatch()).toBe(word);
    await policy.findInput.press('Enter');
    await expect(policy.findCount).toHaveText(`2 / ${n}`);
    await policy.findInput.press('Shift+Enter');
    await policy.findInput.press('Shift+Enter');
    await expect(policy.findCount).toHaveText(`${n} / ${n}`);
    // The current match is scrolled into view.
    const inView = await page.evaluate(() => {
      const r = [...CSS.highlights.get('find-current')!][0] as Range;
      const b = r.getBoundingClientRect();
      return b.top >= 0 && b.bottom <= window.innerHeight;
    });
    expect(inView).toBe(true);
    await policy.findNext.click();
    await expect(policy.findCount).toHaveText(`1 / ${n}`);
    await screenshot(page, info, 'policy-find');
  });

  test('a word that does not occur says so; clearing removes the highlights', async ({ policy }) => {
    await policy.goto(APP);
    await policy.openFind();
    await policy.findInput.fill('区块链钱包');
    await expect(policy.findCount).toHaveText('无结果');
    await expect(policy.findNext).toBeDisabled();
    await policy.findInput.fill('');
    await expect(policy.findCount).toHaveText('');
    expect(await policy.highlighted('find')).toBe(0);
  });

  test('matches across bold text count once (vchat has bold clauses)', async ({ policy, request }) => {
    const text = await policyText(request, 'vchat');
    const word = '安全可靠';
    const n = text.split(word).length - 1;
    expect(n).toBeGreaterThan(0);
    await policy.goto('vchat');
    await policy.openFind();
    await policy.findInput.fill(word);
    await expect(policy.findCount).toHaveText(`1 / ${n}`);
  });
});

test.describe('reader: the server sends the text with the page', () => {
  test('the text, its header and contents show before the app has loaded', async ({ policy, page }, info) => {
    const release = await policy.holdApp();
    await page.goto(`/${APP}`);
    // The WebAssembly is held back: everything visible now came from the server.
    await expect(policy.serverCopy).toBeVisible();
    await expect(policy.title).toHaveText(/隐私/);
    await expect(policy.body.locator('p').first()).toBeVisible();
    await expect(policy.fact('运营方')).not.toBeEmpty();
    await expect(page.getByRole('link', { name: '版本历史' })).toBeVisible();
    await expect(page).toHaveTitle(/· 隐私中心$/);
    await screenshot(page, info, 'reader-before-app');
    const header = await policy.header.innerText();
    // Scroll into the text, then let the app start: the reader stays where they were.
    const heading = policy.section(SECTION);
    await heading.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy({ top: -100, behavior: 'instant' }));
    const before = await heading.evaluate((h) => h.getBoundingClientRect().top);
    release();
    await policy.appRunning();
    const after = await policy.section(SECTION).evaluate((h) => h.getBoundingClientRect().top);
    expect(Math.abs(after - before), 'the section moved on screen when the app took over').toBeLessThan(24);
    // One page, the app's: same header words, one text, working reading aids.
    await expect(page.locator('.policy-body')).toHaveCount(1);
    await expect(page.locator('h1')).toHaveCount(1);
    expect(await policy.header.innerText()).toBe(header);
    await policy.openFind();
  });

  test.describe('with scripts off', () => {
    test.use({ javaScriptEnabled: false });

    test('the policy is readable and section links land on their section', async ({ policy, page }, info) => {
      await page.goto(`/${APP}#${encodeURIComponent(SECTION_ID)}`);
      await expect(policy.title).toBeVisible();
      await expect(policy.section(SECTION)).toBeInViewport();
      await expect(policy.fact('生效日期')).toHaveText(/\d{4}年\d{1,2}月\d{1,2}日/);
      if (info.project.name !== 'phone') {
        // The contents are plain links to the sections.
        await expect(policy.tocLink('四、我们如何保护个人信息')).toHaveAttribute(
          'href',
          `#${'四-我们如何保护个人信息'}`,
        );
      }
      await screenshot(page, info, 'reader-no-script');
    });

    test('the frame follows the browser language; an old version says so', async ({ browser, request }, info) => {
      const versions: { version: string }[] = (await (await request.get(`/api/apps/${APP}/policies`)).json()).versions;
      expect(versions.length, 'an older version to open').toBeGreaterThan(1);
      const context = await browser.newContext({
        ...info.project.use,
        javaScriptEnabled: false,
        locale: 'en-GB',
      });
      const page = await context.newPage();
      await page.goto(`/${APP}/v/${versions[0].version}`);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      await expect(page.locator('.policy-facts')).toContainText('Operated by');
      await expect(page.getByRole('note')).toContainText('earlier version');
      await context.close();
    });
  });
});

test.describe('reader: position, layout and print', () => {
  test('back from another page returns to the same reading position', async ({ policy, page }) => {
    await policy.goto(APP);
    const target = await page.evaluate(() => Math.round(document.documentElement.scrollHeight / 2));
    await page.evaluate((y) => window.scrollTo({ top: y, behavior: 'instant' }), target);
    expect(await policy.scrollY()).toBeGreaterThan(1000);
    // Where the text sits in the viewport: what the reader sees.
    const textTop = () => policy.body.evaluate((b) => Math.round(b.getBoundingClientRect().top));
    const before = await textTop();
    // Let the position settle into the history entry.
    await page.waitForTimeout(400);
    await page.goto(`/${APP}/history`);
    await expect(page.locator('.timeline')).toBeVisible();
    await page.goBack();
    await expect(policy.body.locator('h2').first()).toBeAttached();
    await expect.poll(textTop).toBeLessThan(before + 5);
    // Still there once everything around the text has loaded.
    await page.waitForLoadState('networkidle');
    expect(Math.abs((await textTop()) - before)).toBeLessThanOrEqual(5);
  });

  test('no sideways scrolling; the reader looks right (screenshot)', async ({ policy, page }, info) => {
    await policy.goto(APP);
    await screenshot(page, info, 'policy-reader');
    await policy.openToc();
    await policy.tocLink(SECTION).click();
    await expect(policy.section(SECTION)).toBeInViewport();
    await policy.scrollSettled();
    // Exactly one contents entry is marked: the section just opened.
    await expect(page.locator('nav.toc a.active')).toHaveCount(1);
    await expect(policy.currentTocEntry).toHaveText(SECTION);
    await screenshot(page, info, 'policy-reader-section');
  });

  test('print shows the whole text without the reading aids, with link targets', async ({ policy, page }) => {
    await policy.goto('weimeng');
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.reader-side')).toBeHidden();
    await expect(page.locator('.site-header')).toBeHidden();
    const mail = policy.body.locator('a[href^="mailto:"]').first();
    const after = await mail.evaluate((a) => getComputedStyle(a, '::after').content);
    expect(after).toContain((await mail.getAttribute('href'))!);
  });
});
