/**
 * Raw legal text as legal sends it (no front matter): a title, the dates,
 * two numbered sections and a sub-section. The importer makes a 微梦 policy
 * (titled as the text names itself, whichever app it is imported under)
 * of it, versioned 2026-03-01.
 */
export const RAW_POLICY = [
  '微梦隐私政策',
  '更新日期：2026年3月1日',
  '生效日期：2026年3月8日',
  '一、我们如何收集和使用您的个人信息',
  '我们会遵循正当、合法、必要的原则收集您的信息。',
  '（一）注册与登录',
  '您注册时需要提供手机号码。',
  '二、我们如何保护您的个人信息',
  '我们采取加密等安全措施。',
].join('\n');
