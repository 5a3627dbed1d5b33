/**
 * The data contract every part of the project shares (the SQL renderer, the oracle, the dashboard,
 * the constructs and the stacks): metrics and their columns, tables, topics, sink variants, job
 * layouts and the services' environment variables. It imports nothing of theirs, so each of them can depend on it alone.
 */
export * from './metrics';
export * from './pipeline';
export * from './postgres';
export * from './service-env';
