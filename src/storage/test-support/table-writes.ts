import ts from 'typescript';
import { locate } from './source-files.js';

/** Kysely builder methods whose first argument names the table they write. */
const writingMethods = new Set(['insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
/** storage/prepared.ts helpers that write the table named by their first argument. */
const writingHelpers = new Set(['prepareInsert', 'prepareUpdate', 'prepareDelete']);
/** Raw SQL that writes a table: `insert into t`, `update t`, `delete from t`. */
const rawWrite = /\b(?:insert\s+into|update|delete\s+from)\s+([a-z_][a-z0-9_]*)/gi;

export interface TableWrite {
  table: string;
  at: string;
}

/** The table of `'message'` or `'message as m'`. */
function tableName(argument: ts.Expression | undefined): string | undefined {
  if (!argument || !(ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument))) {
    return undefined;
  }
  return argument.text.trim().split(/\s+/)[0];
}

/**
 * Every place in `source` that writes a table: Kysely's `insertInto/updateTable/deleteFrom(…)`,
 * the prepared-statement helpers, and `insert into / update / delete from` in a `sql` template.
 * Raw SQL names are reported only when `knownTables` has them (`for update skip locked` is not a
 * table).
 */
export function tableWrites(source: ts.SourceFile, knownTables: ReadonlySet<string>): TableWrite[] {
  const found: TableWrite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : ts.isIdentifier(callee)
          ? callee.text
          : undefined;
      const writes =
        (ts.isPropertyAccessExpression(callee) && name !== undefined && writingMethods.has(name)) ||
        (ts.isIdentifier(callee) && name !== undefined && writingHelpers.has(name));
      const table = writes ? tableName(node.arguments[0]) : undefined;
      if (table) found.push({ table, at: locate(node) });
    }
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'sql') {
      for (const match of node.template.getText().matchAll(rawWrite)) {
        const table = match[1]?.toLowerCase();
        if (table && knownTables.has(table)) found.push({ table, at: locate(node) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The table names of the `Schema` interfaces declared in `source` (storage/schema*.ts). */
export function schemaTables(source: ts.SourceFile): string[] {
  const tables: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Schema') {
      for (const member of node.members) {
        if (ts.isPropertySignature(member)) tables.push(member.name.getText());
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return tables;
}
