import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRoleMatrix } from './role-matrix.doc.js';

describe('docs/ROLE_MATRIX.md', () => {
  it('is the access matrix the guard enforces (run "npm run docs:roles" after changing it)', () => {
    const documented = readFileSync(
      new URL('../../../../docs/ROLE_MATRIX.md', import.meta.url),
      'utf8',
    );
    expect(documented).toBe(renderRoleMatrix());
  });
});
