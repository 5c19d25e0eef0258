import ts from 'typescript';
import type { DialectName } from '../dialects/dialect.js';
import { locate } from './source-files.js';

const dialectNames: ReadonlySet<string> = new Set<DialectName>(['sqlite', 'postgres']);

/** `x.name` where `x` is a dialect or a database (`database.name`, `context.services.database.dialect.name`). */
function isDialectName(node: ts.Node): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'name' &&
    /(dialect|database)$/i.test(node.expression.getText())
  );
}

const equality = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

export interface SeamOptions {
  /** Migrations pick their own literal DDL from a record keyed by dialect name. */
  allowNameKeys: boolean;
}

/**
 * Places where code outside `storage/dialects/` would branch on which database it runs on: a
 * dialect's name as a string, a comparison or `switch` on a dialect's or database's name, a lookup
 * keyed by it, or the dialect-specific `native` handles. Reading the name for display is fine.
 */
export function dialectSwitches(source: ts.SourceFile, options: SeamOptions): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      dialectNames.has(node.text)
    ) {
      found.push(`dialect name as a string: ${locate(node)}`);
    } else if (
      ts.isBinaryExpression(node) &&
      equality.has(node.operatorToken.kind) &&
      (isDialectName(node.left) || isDialectName(node.right))
    ) {
      found.push(`comparison with a dialect's name: ${locate(node)}`);
    } else if (ts.isSwitchStatement(node) && isDialectName(node.expression)) {
      found.push(`switch on a dialect's name: ${locate(node)}`);
    } else if (ts.isElementAccessExpression(node) && isDialectName(node.argumentExpression)) {
      if (!options.allowNameKeys) found.push(`lookup by a dialect's name: ${locate(node)}`);
    } else if (ts.isPropertyAccessExpression(node) && node.name.text === 'native') {
      found.push(`dialect-specific handle: ${locate(node)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
