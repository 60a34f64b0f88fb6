import { ACCESS_MATRIX, describeRule, type AccessRule } from './access-matrix.js';

function cell(rule: AccessRule, who: 'viewer' | 'operator' | 'admin' | 'platform'): string {
  switch (rule.kind) {
    case 'public':
      return '✓';
    case 'device':
      return '';
    case 'platform':
      return who === 'platform' ? '✓' : '';
    case 'roles':
      if (who === 'platform')
        return rule.platformAdmin ? (rule.tenant ? '✓ (X-Tenant-Id)' : '✓') : '';
      return rule.roles.includes(who) ? '✓' : '';
  }
}

/** docs/ROLE_MATRIX.md, rendered from the access matrix the guard enforces. */
export function renderRoleMatrix(): string {
  const rows = Object.entries(ACCESS_MATRIX).map(([route, rule]) => {
    const anonymous = rule.kind === 'public' ? '✓' : '';
    return `| \`${route}\` | ${anonymous} | ${cell(rule, 'viewer')} | ${cell(rule, 'operator')} | ${cell(rule, 'admin')} | ${cell(rule, 'platform')} | ${describeRule(rule)} |`;
  });
  return [
    '# Role matrix',
    '',
    'Generated from `apps/server/src/auth/access-matrix.ts` by `npm run docs:roles`; a test fails when',
    'this file and the code disagree. One guard enforces it on every route; a route missing from it',
    'answers 403 to everyone. Tenant roles act only inside their own tenant: another tenant’s',
    'resources answer 404. A platform admin acts inside a tenant by naming it in `X-Tenant-Id`.',
    'Viewers and operators may further be limited to some sites (`siteIds`).',
    '',
    '| route | anonymous | viewer | operator | admin | platform admin | rule |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
