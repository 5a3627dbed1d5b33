/**
 * The PostgreSQL side of the JDBC variant: where the board tables live, their DDL, and the read-only
 * role a reader of the boards logs in with. Flink writes these tables; the dashboard and the tests read them.
 */
import { ColumnType, METRICS } from './metrics';

export const POSTGRES_DATABASE = 'leaderboard';
export const POSTGRES_SCHEMA = 'leaderboard';

const POSTGRES_TYPES: Record<ColumnType, string> = { BIGINT: 'BIGINT', STRING: 'TEXT', DOUBLE: 'DOUBLE PRECISION' };

/** DDL for the PostgreSQL side of the JDBC variant: schema, the board tables (primary key `rnk`). */
export function postgresTablesDdl(): string {
  const tables = METRICS.map((m) => {
    const cols = m.columns.map((c) => `  ${c.name} ${POSTGRES_TYPES[c.type]}${c.name === 'rnk' ? ' PRIMARY KEY' : ' NOT NULL'}`);
    return `CREATE TABLE IF NOT EXISTS ${POSTGRES_SCHEMA}.${m.table} (\n${cols.join(',\n')}\n);`;
  });
  return [`CREATE SCHEMA IF NOT EXISTS ${POSTGRES_SCHEMA};`, ...tables].join('\n');
}

export const sqlIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const sqlLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export interface ReadOnlyRoleOptions {
  readonly role: string;
  /**
   * The role's password: a value (quoted here), or the name of a psql variable (`psql -v name=...`),
   * so an init script can take it from the environment without writing it into the SQL text.
   */
  readonly password: { readonly value: string } | { readonly psqlVariable: string };
}

/** The SQL text of a role's password: a quoted value or a psql variable reference. */
const passwordSql = (password: ReadOnlyRoleOptions['password']): string =>
  'value' in password ? sqlLiteral(password.value) : `:'${password.psqlVariable}'`;

/**
 * A login role with `password` and no other attribute, created unless it exists, and allowed to
 * connect to the current database (whatever its name: an external server's may differ) and to use
 * the boards' schema. Idempotent.
 */
export function loginRoleSql(role: string, password: ReadOnlyRoleOptions['password']): string {
  return [
    'DO $role$ BEGIN',
    `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN CREATE ROLE ${sqlIdent(role)} LOGIN; END IF;`,
    `  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${sqlLiteral(role)});`,
    'END $role$;',
    `ALTER ROLE ${sqlIdent(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${passwordSql(password)};`,
    `GRANT USAGE ON SCHEMA ${sqlIdent(POSTGRES_SCHEMA)} TO ${sqlIdent(role)};`,
  ].join('\n');
}

/** The board tables, schema-qualified, for GRANTs. */
export const boardTablesSql = (): string => METRICS.map((m) => `${sqlIdent(POSTGRES_SCHEMA)}.${sqlIdent(m.table)}`).join(', ');

/**
 * A login role that can read the board tables and nothing else, with read-only transactions by default.
 * Idempotent, so running it again on an existing database is harmless.
 */
export function readOnlyRoleSql(options: ReadOnlyRoleOptions): string {
  const { role } = options;
  return [
    loginRoleSql(role, options.password),
    `ALTER ROLE ${sqlIdent(role)} SET default_transaction_read_only = on;`,
    `GRANT SELECT ON ${boardTablesSql()} TO ${sqlIdent(role)};`,
  ].join('\n');
}
