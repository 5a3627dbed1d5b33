/**
 * What the stack's PostgreSQL must hold for the dashboard (JDBC variant): a read-only login role and
 * statement-level triggers that NOTIFY the dashboard when a leaderboard table changes. Run once at
 * database init, after the tables exist (postgresTablesDdl), as the tables' owner. Every statement is
 * idempotent, so running it again on an existing database is harmless.
 */
import { METRICS, POSTGRES_SCHEMA, ReadOnlyRoleOptions, readOnlyRoleSql, sqlIdent as ident, sqlLiteral as literal } from '../../common/contract';

export const CHANGE_CHANNEL = 'leaderboard_changed';
export const CHANGE_TRIGGER = 'leaderboard_dashboard_notify';
const CHANGE_FUNCTION = 'leaderboard_dashboard_notify';
export const DASHBOARD_DB_ROLE = 'leaderboard_dashboard';

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

export interface ReaderRoleOptions extends Omit<ReadOnlyRoleOptions, 'role'> {
  /** @default DASHBOARD_DB_ROLE */
  readonly role?: string;
}

/** The dashboard's read-only login role and its change triggers, in the order to run them. */
export function dashboardPostgresSetupSql(options: ReaderRoleOptions): string {
  return `${readOnlyRoleSql({ ...options, role: options.role ?? DASHBOARD_DB_ROLE })}\n${dashboardChangeTriggersSql()}\n`;
}
