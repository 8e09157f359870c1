import { test, expect } from '../fixtures';
import { screenshot } from '../support/shots';

// V聊 2019-06-01 → 2020-10-01 (policies/vchat): the 2020 text adds a section on
// location logs, renumbers the sections after it, and adds a teen-mode
// paragraph to 十、未成年人保护.
const APP = 'vchat';
const OLD = '2019-06-01';
const NEW = '2020-10-01';

test.describe('compare two versions', () => {
  test('shows a known change: added text as insertions, the replaced heading as a deletion', async ({ compare, page }, info) => {
    await compare.goto(APP, OLD, NEW);
    await expect(compare.heading).toHaveText('V聊隐私政策 · 版本对比');
    await expect(page).toHaveTitle(/版本对比/);
    // The newer version's own summary and material flag lead the page.
    await expect(compare.summary).toContainText('新增“位置信息日志”一节');
    await expect(compare.summary).toContainText('重大变更');
    await expect(page.getByRole('link', { name: '阅读全文' })).toHaveCount(2);

    const added = compare.change('2、位置信息日志');
    await expect(added).toHaveAttribute('data-status', 'added');
    await expect(added).toContainText('新增');
    await expect(added.getByRole('insertion')).toContainText('通过IP地址、GPS、WLAN（如WiFi）或基站等途径获取您的地理位置信息');

    const teen = compare.change('十、未成年人保护');
    await expect(teen).toHaveAttribute('data-status', 'changed');
    const inserted = teen.getByRole('insertion').filter({ visible: true });
    await expect(inserted).toHaveCount(1);
    await expect(inserted).toContainText('登录后可以设置【青少年模式】，功能开启后只能查看规定内容');
    // Screen readers hear where the insertion starts and ends, not only a colour.
    await expect(inserted).toContainText('［新增开始］');

    const renumbered = compare.change('3、V聊App所调用的系统权限');
    await expect(renumbered.getByRole('deletion')).toContainText('2、V聊App所调用的系统权限');
    await expect(renumbered).toContainText('只有标题改变');
    await screenshot(page, info, 'compare-top');
  });

  test('summary counts match the sections shown', async ({ compare }) => {
    await compare.goto(APP, OLD, NEW);
    const shown = {
      added: await compare.count('新增'),
      removed: await compare.count('删除'),
      changed: await compare.count('修改'),
      moved: await compare.count('移动'),
      unchanged: await compare.count('未变'),
    };
    expect(shown.added).toBeGreaterThan(0);
    expect(shown.changed).toBeGreaterThan(0);
    // Unchanged text starts folded, so the changes stand out.
    await expect(compare.sections('unchanged').filter({ visible: true })).toHaveCount(0);
    await expect(compare.folds.first()).toContainText('个章节没有变化');
    for (const status of ['added', 'removed', 'changed', 'moved'] as const) {
      await expect(compare.sections(status), status).toHaveCount(shown[status]);
    }
    const total = shown.added + shown.removed + shown.changed + shown.moved;
    await expect(compare.status).toHaveText(`共 ${total} 处变更`);
    await compare.unfoldAll();
    await expect(compare.sections('unchanged').filter({ visible: true })).toHaveCount(shown.unchanged);
  });

  test('next and previous move focus through the changes and say where you are', async ({ compare, page }, info) => {
    await compare.goto(APP, OLD, NEW);
    const total = await compare.changes.count();
    expect(total).toBeGreaterThan(2);
    await expect(compare.previous).toBeDisabled();

    await compare.next.click();
    await expect(compare.changes.nth(0)).toBeFocused();
    await expect(compare.changes.nth(0)).toBeInViewport();
    await expect(compare.changes.nth(0).getByRole('heading')).toHaveText('2、位置信息日志');
    await expect(compare.status).toHaveText(`第 1 处变更，共 ${total} 处`);

    await page.keyboard.press('n');
    await expect(compare.changes.nth(1)).toBeFocused();
    await expect(compare.changes.nth(1)).toBeInViewport();
    await expect(compare.status).toHaveText(`第 2 处变更，共 ${total} 处`);
    await screenshot(page, info, 'compare-nav');

    await page.keyboard.press('p');
    await expect(compare.changes.nth(0)).toBeFocused();
    await expect(compare.previous).toBeDisabled();

    for (let i = 1; i < total; i++) await page.keyboard.press('n');
    await expect(compare.changes.nth(total - 1)).toBeFocused();
    await expect(compare.changes.nth(total - 1)).toBeInViewport();
    await expect(compare.status).toHaveText(`第 ${total} 处变更，共 ${total} 处`);
    await expect(compare.next).toBeDisabled();
    await compare.previous.click();
    await expect(compare.changes.nth(total - 2)).toBeFocused();
    await expect(compare.next).toBeEnabled();
  });

  test('wide screens show old and new side by side, phones one inline text', async ({ compare, page }, info) => {
    await compare.goto(APP, OLD, NEW);
    const teen = compare.change('十、未成年人保护');
    const oldSide = teen.getByText(`旧版 · ${OLD}`);
    const newSide = teen.getByText(`新版 · ${NEW}`);
    const inline = teen.locator('.diff-inline');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
    if (page.viewportSize()!.width >= 800) {
      await expect(oldSide).toBeVisible();
      await expect(newSide).toBeVisible();
      await expect(inline).toBeHidden();
      const [o, n] = [await oldSide.boundingBox(), await newSide.boundingBox()];
      expect(o!.x + o!.width).toBeLessThanOrEqual(n!.x);
      expect(Math.abs(o!.y - n!.y)).toBeLessThan(2);
    } else {
      await expect(oldSide).toBeHidden();
      await expect(newSide).toBeHidden();
      await expect(inline).toBeVisible();
      await expect(inline.getByRole('insertion')).toContainText('青少年模式');
    }
    await teen.scrollIntoViewIfNeeded();
    await screenshot(page, info, 'compare-layout');
  });

  test('switching language relabels the comparison and keeps the place in it', async ({ compare, home, page }) => {
    await compare.goto(APP, OLD, NEW);
    await compare.next.click();
    await home.chooseLanguage('English');
    await expect(compare.heading).toHaveText('V聊隐私政策 · Compare versions');
    await expect(compare.status).toHaveText(`Change 1 of ${await compare.changes.count()}`);
    await expect(compare.change('2、位置信息日志')).toContainText('Added');
    await expect(compare.summary).toContainText('Publisher\'s note');
  });

  test('the history page leads to the comparison with the previous version', async ({ history, compare, page }) => {
    await history.goto(APP);
    await expect(history.version(OLD).getByRole('link', { name: '与上一版对比' })).toHaveCount(0);
    await history.version(NEW).getByRole('link', { name: '与上一版对比' }).click();
    await expect(page).toHaveURL(new RegExp(`/${APP}/compare/${OLD}/${NEW}$`));
    await expect(compare.heading).toHaveText('V聊隐私政策 · 版本对比');
    await expect(compare.change('2、位置信息日志')).toBeVisible();
  });

  test('versions that cannot be compared say why', async ({ compare, page }) => {
    // A version that does not exist (or a draft): the API's 404 names it.
    await page.goto(`/${APP}/compare/${NEW}/2099-12-31`);
    await expect(compare.error).toContainText('无法对比这两个版本');
    await expect(compare.error).toContainText('至少有一个版本不存在或尚未发布');
    await expect(compare.error).toContainText('2099-12-31');

    await page.goto(`/${APP}/compare/1999-01-01/${NEW}`);
    await expect(compare.error).toContainText('1999-01-01');

    await page.goto(`/${APP}/compare/${NEW}/current`);
    await expect(compare.error).toContainText('同一个版本');

    await page.goto(`/${APP}/compare/${NEW}/${OLD}`);
    await expect(compare.error).toContainText('第一个版本比第二个版本新');
    await compare.error.getByRole('link', { name: '按从旧到新的顺序对比' }).click();
    await expect(page).toHaveURL(new RegExp(`/${APP}/compare/${OLD}/${NEW}$`));
    await expect(compare.change('2、位置信息日志')).toBeVisible();

    await page.goto(`/${APP}/compare/${NEW}/${NEW}`);
    await compare.error.getByRole('link', { name: '在版本历史中选择版本' }).click();
    await expect(page).toHaveURL(new RegExp(`/${APP}/history$`));
  });
});
