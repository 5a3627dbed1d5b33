/**
 * What the stack's PostgreSQL must hold for the dashboard (JDBC variant): a read-only login role and
 * statement-level triggers that NOTIFY the dashboard when a leaderboard table changes. Run once at
 * database init, after the tables exist (postgresTablesDdl), as the tables' owner. Every statement is
 * idempotent, so running it again on an existing database is harmless.
 */
import { METRICS, POSTGRES_DATABASE, POSTGRES_SCHEMA } from '../../flink-sql/src/metrics';

export const CHANGE_CHANNEL = 'leaderboard_changed';
export const CHANGE_TRIGGER = 'leaderboard_dashboard_notify';
const CHANGE_FUNCTION = 'leaderboard_dashboard_notify';
export const DASHBOARD_DB_ROLE = 'leaderboard_dashboard';

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * Triggers that send the changed table's name on CHANGE_CHANNEL after every statement that writes it.
 * Statement level, not row level: a sink flush of ten upserts is one notification per statement, and
 * PostgreSQL folds identical notifications of one transaction into one.
 */
export function dashboardChangeTriggersSql(): string {
  const fn = `${ident(POSTGRES_SCHEMA)}.${ident(CHANGE_FUNCTION)}`;
  const lines = [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$`,
    'BEGIN',
    `  PERFORM pg_notify(${literal(CHANGE_CHANNEL)}, TG_TABLE_NAME);`,
    '  RETURN NULL;',
    'END',
    '$fn$;',
  ];
  for (const metric of METRICS) {
    lines.push(
      `CREATE OR REPLACE TRIGGER ${ident(CHANGE_TRIGGER)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ` +
        `ON ${ident(POSTGRES_SCHEMA)}.${ident(metric.table)} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`,
    );
  }
  return lines.join('\n');
}

export interface ReaderRoleOptions {
  role?: string;
  /**
   * The role's password: a value (quoted here), or the name of a psql variable (`psql -v name=...`),
   * so an init script can take it from the environment without writing it into the SQL text.
   */
  password: { value: string } | { psqlVariable: string };
}

/** A login role that can read the four tables and nothing else, with read-only transactions by default. */
export function dashboardReaderRoleSql(options: ReaderRoleOptions): string {
  const role = options.role ?? DASHBOARD_DB_ROLE;
  const password = 'value' in options.password ? literal(options.password.value) : `:'${options.password.psqlVariable}'`;
  const tables = METRICS.map((m) => `${ident(POSTGRES_SCHEMA)}.${ident(m.table)}`).join(', ');
  return [
    'DO $role$ BEGIN',
    `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(role)}) THEN CREATE ROLE ${ident(role)} LOGIN; END IF;`,
    'END $role$;',
    `ALTER ROLE ${ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${password};`,
    `ALTER ROLE ${ident(role)} SET default_transaction_read_only = on;`,
    `GRANT CONNECT ON DATABASE ${ident(POSTGRES_DATABASE)} TO ${ident(role)};`,
    `GRANT USAGE ON SCHEMA ${ident(POSTGRES_SCHEMA)} TO ${ident(role)};`,
    `GRANT SELECT ON ${tables} TO ${ident(role)};`,
  ].join('\n');
}

/** Both of the above, in the order to run them. */
export function dashboardPostgresSetupSql(options: ReaderRoleOptions): string {
  return `${dashboardReaderRoleSql(options)}\n${dashboardChangeTriggersSql()}\n`;
}
