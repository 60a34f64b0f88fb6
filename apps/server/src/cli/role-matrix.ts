/** npm run docs:roles — writes docs/ROLE_MATRIX.md from the access matrix. */
import { writeFileSync } from 'node:fs';
import { renderRoleMatrix } from '../auth/role-matrix.doc.js';

export const ROLE_MATRIX_DOC = new URL('../../../../docs/ROLE_MATRIX.md', import.meta.url);

writeFileSync(ROLE_MATRIX_DOC, renderRoleMatrix());
process.stdout.write('docs/ROLE_MATRIX.md written\n');
