/**
 * The part of Confluent Schema Registry's REST API that Avro clients use (Confluent's serializers,
 * as in Flink's `avro-confluent` format, and @kafkajs/confluent-schema-registry): register and look
 * up schemas, read them by id and by subject version, check and set compatibility. Errors carry
 * Confluent's `error_code`, so a client's message is the one it knows. Deletion is not offered: the
 * pipeline never deletes a schema, and an id a record carries must stay readable.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { Logger, errorMessage } from '../../common/log';
import { isCompatibilityLevel } from './avro-schemas';
import { SchemaRegistry } from './registry';
import { RegistryError } from './registry-state';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** A schema is a few KiB; a request past this is a mistake or an attack. */
export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_SUBJECT_LENGTH = 255;

type Handler = (request: Request) => unknown;
interface Request {
  readonly params: string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
}
interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

export function createRegistryServer(registry: SchemaRegistry, logger: Logger): Server {
  const routes = registryRoutes(registry);
  return createServer((req, res) => {
    void serve(routes, req, res).catch((err: unknown) => {
      if (err instanceof RegistryError) {
        reply(res, err.status, { error_code: err.errorCode, message: err.message });
        return;
      }
      logger.error('request failed', { method: req.method, url: req.url, error: errorMessage(err) });
      reply(res, 500, { error_code: 50001, message: `Error in the backend data store: ${errorMessage(err)}` });
    });
  });
}

async function serve(routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const matching = routes.filter((r) => r.pattern.test(path));
  if (matching.length === 0) throw new RegistryError(404, 404, 'HTTP 404 Not Found');
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    res.setHeader('Allow', [...new Set(matching.map((r) => r.method))].join(', '));
    throw new RegistryError(405, 405, `HTTP 405 Method Not Allowed: ${req.method} ${path}${req.method === 'DELETE' ? ' (this registry keeps every schema)' : ''}`);
  }
  const params = route.pattern.exec(path)!.slice(1).map((p) => decodeURIComponent(p));
  const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : undefined;
  reply(res, 200, await route.handler({ params, query: url.searchParams, body }));
}

function registryRoutes(registry: SchemaRegistry): Route[] {
  const { state } = registry;
  const SUBJECT = '([^/]+)';
  const route = (method: string, path: string, handler: Handler): Route => ({ method, pattern: new RegExp(`^${path}$`), handler });
  const subjectOf = (raw: string): string => {
    if (raw.length === 0 || raw.length > MAX_SUBJECT_LENGTH || /[\u0000-\u001f]/.test(raw)) {
      throw new RegistryError(422, 42208, `Invalid subject: 1 to ${MAX_SUBJECT_LENGTH} characters, no control characters`);
    }
    return raw;
  };
  const idOf = (raw: string): number => {
    if (!/^[1-9][0-9]{0,9}$/.test(raw)) throw new RegistryError(404, 40403, 'Schema not found.');
    return Number(raw);
  };
  const version = (subject: string, v: string) => {
    const found = state.version(subjectOf(subject), v);
    return { subject: found.subject, version: found.version, id: found.id, schema: found.schema.text };
  };
  return [
    route('GET', '/', () => ({})),
    route('GET', '/schemas/types', () => ['AVRO']),
    route('GET', '/schemas/ids/([^/]+)', ({ params }) => ({ schema: state.schema(idOf(params[0])).text })),
    route('GET', '/schemas/ids/([^/]+)/schema', ({ params }) => JSON.parse(state.schema(idOf(params[0])).text)),
    route('GET', '/schemas/ids/([^/]+)/versions', ({ params }) => state.usesOf(idOf(params[0]))),
    route('GET', '/subjects', () => state.subjectNames()),
    route('GET', `/subjects/${SUBJECT}/versions`, ({ params }) => state.versions(subjectOf(params[0])).map((v) => v.version)),
    route('GET', `/subjects/${SUBJECT}/versions/([^/]+)`, ({ params }) => version(params[0], params[1])),
    route('GET', `/subjects/${SUBJECT}/versions/([^/]+)/schema`, ({ params }) => JSON.parse(version(params[0], params[1]).schema)),
    route('POST', `/subjects/${SUBJECT}/versions`, async ({ params, body }) => ({ id: await registry.register(subjectOf(params[0]), schemaOf(body)) })),
    route('POST', `/subjects/${SUBJECT}`, ({ params, body }) => {
      const found = registry.lookup(subjectOf(params[0]), schemaOf(body));
      return { subject: found.subject, id: found.id, version: found.version, schema: found.schema.text };
    }),
    route('POST', `/compatibility/subjects/${SUBJECT}/versions/([^/]+)`, ({ params, query, body }) => {
      const { compatible, problem } = registry.compatibility(subjectOf(params[0]), params[1], schemaOf(body));
      return query.get('verbose') === 'true' ? { is_compatible: compatible, messages: problem ? [problem] : [] } : { is_compatible: compatible };
    }),
    route('GET', '/config', () => ({ compatibilityLevel: state.effectiveCompatibility(null) })),
    route('PUT', '/config', async ({ body }) => {
      const level = levelOf(body);
      await registry.setCompatibility(null, level);
      return { compatibility: level };
    }),
    route('GET', `/config/${SUBJECT}`, ({ params, query }) => {
      const subject = subjectOf(params[0]);
      const level = query.get('defaultToGlobal') === 'true' ? state.effectiveCompatibility(subject) : state.compatibilityOf(subject);
      if (!level) throw new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
      return { compatibilityLevel: level };
    }),
    route('PUT', `/config/${SUBJECT}`, async ({ params, body }) => {
      const level = levelOf(body);
      await registry.setCompatibility(subjectOf(params[0]), level);
      return { compatibility: level };
    }),
  ];
}

/** The Avro schema text of a registration body; other schema types and references are refused. */
function schemaOf(body: unknown): string {
  const { schema, schemaType, references } = (body ?? {}) as Record<string, unknown>;
  if (schemaType !== undefined && schemaType !== null && schemaType !== 'AVRO') {
    throw new RegistryError(422, 42201, `Invalid schema: schemaType ${String(schemaType)} is not supported; this registry holds AVRO schemas only`);
  }
  if (Array.isArray(references) && references.length > 0) throw new RegistryError(422, 42201, 'Invalid schema: schema references are not supported');
  if (typeof schema !== 'string' || schema.trim() === '') throw new RegistryError(422, 42201, 'Invalid schema: the body needs a "schema" string');
  return schema;
}

function levelOf(body: unknown) {
  const { compatibility } = (body ?? {}) as Record<string, unknown>;
  if (!isCompatibilityLevel(compatibility)) {
    throw new RegistryError(422, 42203, `Invalid compatibility level: ${JSON.stringify(compatibility ?? null)}; one of NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE`);
  }
  return compatibility;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RegistryError(413, 413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RegistryError(400, 400, `The body is not JSON: ${errorMessage(err)}`);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
