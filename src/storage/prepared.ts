import {
  type Compilable,
  type CompiledQuery,
  createQueryId,
  type InsertResult,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { Row, Schema } from './schema.js';

/** Stands for a value of a prepared query while it is built; replaced at each run. */
class Slot {
  constructor(readonly name: string) {}
}

interface Compiled {
  query: CompiledQuery;
  /** For each parameter of the compiled query: the value's name, or a constant of the query. */
  parameters: Array<Slot | { constant: unknown }>;
}

export type PreparedQuery<Values, Output> = (
  executor: Kysely<Schema>,
  values: Values,
) => Promise<QueryResult<Output>>;

/**
 * A query built and compiled once per database and run with new values each time. Building and
 * compiling a Kysely query costs about as much as SQLite takes to run a small one, and an
 * accepted message runs about ten, so the hot paths keep theirs compiled.
 *
 * `build` gets stand-ins for the values: use each as a whole value (compared, inserted or set),
 * never inspect it, and do not let the query's shape depend on it; a value that changes the shape
 * (a list, a limit, an optional filter) needs one prepared query per shape. Values are bound by
 * name, so each must be given: a missing one throws instead of binding NULL.
 */
export function prepareQuery<Values extends Record<string, unknown>, Output>(
  build: (db: Kysely<Schema>, values: Values) => Compilable<Output>,
): PreparedQuery<Values, Output> {
  // Keyed by the dialect adapter: a database and its transactions compile the same SQL.
  const byAdapter = new WeakMap<object, Compiled>();
  const standIns = new Proxy({} as Values, { get: (_, name) => new Slot(String(name)) });
  return async (executor, values) => {
    const adapter = executor.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (!compiled) {
      const query = build(executor, standIns).compile();
      compiled = {
        query,
        parameters: query.parameters.map((parameter) =>
          parameter instanceof Slot ? parameter : { constant: parameter },
        ),
      };
      byAdapter.set(adapter, compiled);
    }
    const parameters = compiled.parameters.map((parameter) => {
      if (!(parameter instanceof Slot)) return parameter.constant;
      const value = values[parameter.name];
      if (value === undefined) throw new Error(`prepared query: no value for "${parameter.name}"`);
      return value;
    });
    return executor.executeQuery<Output>({ ...compiled.query, queryId: createQueryId(), parameters });
  };
}

/** A prepared insert of one row into `table`, writing `columns` (the rest keep their defaults). */
export function prepareInsert<Table extends keyof Schema & string, Column extends keyof Row<Table> & string>(
  table: Table,
  columns: readonly Column[],
): PreparedQuery<Pick<Row<Table>, Column>, InsertResult> {
  return prepareQuery((db, values: Pick<Row<Table>, Column>) =>
    db
      .insertInto(table)
      .values(Object.fromEntries(columns.map((column) => [column, values[column]])) as never),
  );
}

/**
 * One prepared query per shape of a query whose shape depends on a value (a page size, a row
 * count, an optional filter): `build` runs once for each distinct shape.
 */
export function preparePerShape<Shape extends Array<string | number | boolean>, Values, Output>(
  build: (...shape: Shape) => PreparedQuery<Values, Output>,
): (...shape: Shape) => PreparedQuery<Values, Output> {
  const byShape = new Map<string, PreparedQuery<Values, Output>>();
  return (...shape) => {
    const key = shape.join(':');
    let prepared = byShape.get(key);
    if (!prepared) {
      prepared = build(...shape);
      byShape.set(key, prepared);
    }
    return prepared;
  };
}
