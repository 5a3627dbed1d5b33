/**
 * Checks Flink custom resources the way the cluster and the operator would, before anything is
 * deployed: against the CRD schemas of the pinned operator (from its API jar, fetched by
 * operator-crds.sh) and against the operator's own validation rules that the schemas do not express.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CustomResource } from './flink-session';

interface CrdVersion {
  name: string;
  served: boolean;
  schema: { openAPIV3Schema: Record<string, unknown> };
}

interface Crd {
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

type Schema = Record<string, unknown>;

/**
 * The API server silently prunes fields its structural schema does not know, so a misspelled field
 * would deploy without effect. Here an unknown field is an error: every object schema that lists its
 * properties, and neither allows additional ones nor preserves unknown fields, gets
 * `additionalProperties: false`.
 */
export function rejectUnknownFields(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, rejectUnknownFields(v)]));
    } else if (Array.isArray(value)) {
      out[key] = value.map((v) => (v && typeof v === 'object' ? rejectUnknownFields(v as Schema) : v));
    } else if (value && typeof value === 'object' && ['items', 'additionalProperties', 'not'].includes(key)) {
      out[key] = rejectUnknownFields(value as Schema);
    } else {
      out[key] = value;
    }
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

/**
 * A CRD's schema covers spec and status; the API server checks the header (apiVersion, kind,
 * metadata) itself. This adds the part of the header these resources use.
 */
function withObjectHeader(root: Schema): Schema {
  return {
    ...root,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap },
      },
      ...(root.properties as Schema),
    },
  };
}

export interface CrdValidator {
  /** `apiVersion/kind` pairs this validator knows. */
  readonly kinds: string[];
  /** Schema violations of the resource, as `path: message` lines; empty when valid. */
  validate(resource: unknown): string[];
}

/** Loads the `<plural>.<group>-v1.yml` CRDs of `kinds` from `dir`. */
export function loadCrdValidator(dir: string, files: string[] = ['flinkdeployments.flink.apache.org-v1.yml', 'flinksessionjobs.flink.apache.org-v1.yml']): CrdValidator {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  for (const file of files) {
    const crd = load(readFileSync(join(dir, file), 'utf8')) as Crd;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
      validators.set(key, ajv.compile(rejectUnknownFields(withObjectHeader(version.schema.openAPIV3Schema))));
    }
  }
  return {
    kinds: [...validators.keys()],
    validate(resource) {
      const r = resource as { apiVersion?: unknown; kind?: unknown };
      const key = `${String(r.apiVersion)}/${String(r.kind)}`;
      const validator = validators.get(key);
      if (!validator) return [`no CRD serves ${key}; known: ${[...validators.keys()].join(', ')}`];
      if (validator(resource)) return [];
      return (validator.errors ?? []).map((e) => {
        const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty: string }).additionalProperty)}'` : '';
        const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
        return `${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}${allowed}`;
      });
    },
  };
}

/** Name rule of the operator's DefaultValidator for FlinkDeployments and a session job's `deploymentName`. */
const DEPLOYMENT_NAME = /^[a-z]([-a-z\d]{0,43}[a-z\d])?$/;
/** Keys the operator sets itself and refuses in `flinkConfiguration`. */
const FORBIDDEN_CONF_KEYS = ['kubernetes.namespace', 'kubernetes.cluster-id', 'high-availability.cluster-id'];

/**
 * The checks of the operator's DefaultValidator (flink-kubernetes-operator 1.10) that apply to a
 * session cluster and its jobs and that no schema expresses. With the admission webhook disabled the
 * operator applies them while reconciling, so a violation deploys but never runs.
 */
export function operatorRuleErrors(resources: CustomResource[]): string[] {
  const errors: string[] = [];
  const deployments = new Map(resources.filter((r) => r.kind === 'FlinkDeployment').map((r) => [r.metadata.name, r]));
  for (const r of resources) {
    const where = `${r.kind} ${r.metadata.name}`;
    const spec = r.spec as Record<string, unknown>;
    const conf = (spec.flinkConfiguration ?? {}) as Record<string, string>;
    for (const key of FORBIDDEN_CONF_KEYS) if (key in conf) errors.push(`${where}: forbidden Flink config key ${key}`);
    if (r.kind === 'FlinkDeployment') {
      if (!DEPLOYMENT_NAME.test(r.metadata.name)) errors.push(`${where}: name must match ${DEPLOYMENT_NAME.source} (at most 45 characters)`);
      if (spec.flinkVersion === undefined) errors.push(`${where}: Flink Version must be defined`);
      if (spec.serviceAccount === undefined) errors.push(`${where}: spec.serviceAccount must be defined`);
    } else if (r.kind === 'FlinkSessionJob') {
      const name = spec.deploymentName;
      if (typeof name !== 'string') {
        errors.push(`${where}: spec.deploymentName must name the session FlinkDeployment`);
        continue;
      }
      if (!DEPLOYMENT_NAME.test(name)) errors.push(`${where}: deploymentName must match ${DEPLOYMENT_NAME.source}`);
      if (spec.job === undefined) errors.push(`${where}: the job spec should not be empty`);
      const session = deployments.get(name);
      if (!session) errors.push(`${where}: no FlinkDeployment named '${name}' among the resources`);
      else if ((session.spec as Record<string, unknown>).job !== undefined) errors.push(`${where}: cannot submit a session job to application cluster '${name}'`);
      const job = (spec.job ?? {}) as Record<string, unknown>;
      if (job.upgradeMode !== undefined && job.upgradeMode !== 'stateless') {
        const sessionConf = (session?.spec as Record<string, unknown> | undefined)?.flinkConfiguration as Record<string, string> | undefined;
        if (!{ ...sessionConf, ...conf }['state.checkpoints.dir']) errors.push(`${where}: upgrade mode ${String(job.upgradeMode)} needs state.checkpoints.dir`);
      }
    }
  }
  return errors;
}
