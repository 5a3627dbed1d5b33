/**
 * The Flink custom resources of both Kubernetes stacks against the pinned operator's CRD schemas, both
 * those its build generates and the copies its chart installs (strictly: a field the API server would
 * silently prune is an error), and the operator's own rules, with negative cases. The CRDs come from the
 * operator's Maven build (scripts/offline/flink-operator.sh --crds).
 */
import { CrdValidator, loadCrdValidator, operatorRuleErrors } from '../../test-support/crd-validation';
import { operatorCrdDirs, operatorSource } from '../../test-support/flink-operator';
import { flinkResources, Json, synth } from '../../test-support/k8s-synth';
import { describeWith } from '../../test-support/prerequisites';
import versions from '../../versions.json';
import { CustomResource, OPERATOR_FLINK_CONF, SESSION_DEPLOYMENT_NAME } from '../../constructs/k8s/flink-session';

describeWith([operatorSource])(`Flink custom resources against the operator ${versions.flinkKubernetesOperator} CRDs`, () => {
  let validator: CrdValidator;
  let chartValidator: CrdValidator;
  beforeAll(() => {
    const dirs = operatorCrdDirs();
    validator = loadCrdValidator(dirs.generated);
    chartValidator = loadCrdValidator(dirs.chart);
  }, 1_250_000);

  const stacks = Object.fromEntries(['k8s-jdbc', 'k8s-kafka'].map((name) => [name, flinkResources(synth(name))]));
  const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
  const jdbc = () => clone(stacks['k8s-jdbc']);
  const deploymentOf = (rs: CustomResource[]) => rs.find((r) => r.kind === 'FlinkDeployment') as Json;
  const jobOf = (rs: CustomResource[]) => rs.find((r) => r.kind === 'FlinkSessionJob') as Json;

  it('knows the pinned CRDs', () => {
    expect(validator.kinds.sort()).toEqual(['flink.apache.org/v1beta1/FlinkDeployment', 'flink.apache.org/v1beta1/FlinkSessionJob']);
  });

  it.each(['k8s-jdbc', 'k8s-kafka'])('%s: every resource validates and passes the operator rules', (name) => {
    for (const r of stacks[name]) {
      const resource = `${r.kind}/${r.metadata.name}`;
      expect({ resource, errors: validator.validate(r) }).toEqual({ resource, errors: [] });
      // The API server checks against the chart's copies, which need not match the generated ones.
      expect({ resource, chartErrors: chartValidator.validate(r) }).toEqual({ resource, chartErrors: [] });
    }
    expect(operatorRuleErrors(stacks[name], OPERATOR_FLINK_CONF)).toEqual([]);
  });

  it('rejects a Flink version the operator does not know', () => {
    const rs = jdbc();
    deploymentOf(rs).spec.flinkVersion = 'v1_21';
    expect(validator.validate(deploymentOf(rs))).toEqual([expect.stringMatching(/^\/spec\/flinkVersion: must be equal to one of the allowed values \(v1_13, .*v1_20, .*v2_4\)$/)]);
  });

  it('rejects fields the API server would silently drop', () => {
    const rs = jdbc();
    jobOf(rs).spec.job.entryclass = jobOf(rs).spec.job.entryClass;
    expect(validator.validate(jobOf(rs))).toEqual(["/spec/job: must NOT have additional properties 'entryclass'"]);
    deploymentOf(rs).spec.jobManager.podTemplate.spec.containers[0].volumeMount = [];
    expect(validator.validate(deploymentOf(rs))).toEqual([
      "/spec/jobManager/podTemplate/spec/containers/0: must NOT have additional properties 'volumeMount'",
    ]);
  });

  it('rejects wrongly typed values', () => {
    const rs = jdbc();
    deploymentOf(rs).spec.taskManager.podTemplate.spec.securityContext.runAsUser = '9999';
    // Since operator 1.11 flinkConfiguration takes any YAML (nested or typed), so no type is checked there.
    deploymentOf(rs).spec.flinkConfiguration['parallelism.default'] = 1;
    jobOf(rs).spec.job.args = '--script x.sql';
    expect(validator.validate(deploymentOf(rs))).toEqual(['/spec/taskManager/podTemplate/spec/securityContext/runAsUser: must be integer']);
    expect(validator.validate(jobOf(rs))).toEqual(['/spec/job/args: must be array']);
  });

  it('rejects a FlinkSessionJob without deploymentName, or naming another deployment', () => {
    const rs = jdbc();
    delete jobOf(rs).spec.deploymentName;
    // The schema has no required fields; the operator refuses such a job when it reconciles it.
    expect(validator.validate(jobOf(rs))).toEqual([]);
    expect(operatorRuleErrors(rs, OPERATOR_FLINK_CONF)).toEqual([`FlinkSessionJob ${jobOf(rs).metadata.name}: spec.deploymentName must name the session FlinkDeployment`]);
    jobOf(rs).spec.deploymentName = 'other-session';
    expect(operatorRuleErrors(rs, OPERATOR_FLINK_CONF)).toEqual([`FlinkSessionJob ${jobOf(rs).metadata.name}: no FlinkDeployment named 'other-session' among the resources`]);
  });

  it('rejects what the operator sets itself, a missing service account, and an overlong deployment name', () => {
    const rs = jdbc();
    deploymentOf(rs).spec.flinkConfiguration['kubernetes.cluster-id'] = 'x';
    delete deploymentOf(rs).spec.serviceAccount;
    expect(operatorRuleErrors(rs, OPERATOR_FLINK_CONF)).toEqual([
      `FlinkDeployment ${SESSION_DEPLOYMENT_NAME}: forbidden Flink config key kubernetes.cluster-id`,
      `FlinkDeployment ${SESSION_DEPLOYMENT_NAME}: spec.serviceAccount must be defined`,
    ]);
    const long = jdbc();
    deploymentOf(long).metadata.name = 'a'.repeat(46);
    expect(operatorRuleErrors(long, OPERATOR_FLINK_CONF)).toContainEqual(expect.stringMatching(/name must match .* \(at most 45 characters\)$/));
  });
});
