import { Container } from '@cdktf/provider-docker/lib/container';
import { Construct } from 'constructs';
import { IFlinkSession } from '../flink-session';
import { IPlatform, IService } from '../platform/platform';
import { IDLE, SQL_CLIENT, SqlClient } from '../sql-client';
import { TEST_STACK, containerOf, envOf, fakeSecret, resourcesOf, serverOn, synthOnDocker, synthOnK8s } from '../../test-support/constructs';

const INIT_SQL = "CREATE TEMPORARY TABLE top_teams (rnk BIGINT) WITH ('password' = '${LEADERBOARD_JDBC_PASSWORD}');";

/** A session whose REST API is the `rest` service, recording the clients it lets in. */
const sessionOn = (scope: Construct, platform: IPlatform, admitted: IService[]): IFlinkSession => ({
  ui: serverOn(scope, platform, 'rest', 8081).endpoint(),
  allowRestClient: (client) => admitted.push(client),
});

describe('SqlClient', () => {
  it('idles (stopping at once when told) as the Flink user with the init script and the start script, and is let into the session\'s REST API', () => {
    const admitted: IService[] = [];
    const synthesized = synthOnDocker((scope, platform) => {
      new SqlClient(scope, 'sql', { platform, image: 'flink:test', session: sessionOn(scope, platform, admitted), initSql: INIT_SQL, secretEnv: { LEADERBOARD_JDBC_PASSWORD: fakeSecret('reader') } });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-${SQL_CLIENT.serviceName}`,
      user: '9999',
      entrypoint: IDLE,
      memory: 1024,
    });
    const container = containerOf(synthesized, SQL_CLIENT.serviceName);
    expect(envOf(container).LEADERBOARD_JDBC_PASSWORD).toBe('secret:reader');
    const files = Object.fromEntries((container.upload ?? []).map((u) => [u.file, u.content]));
    // Terraform would read `${` as an interpolation: the placeholder reaches the file escaped.
    expect(files[SQL_CLIENT.initScript]).toBe(INIT_SQL.replace('${', () => '$${'));
    const start = files[SQL_CLIENT.startScript];
    expect(start).toContain('-Drest.address=rest -Drest.port=8081 -Dexecution.target=remote');
    expect(start).toContain(`-i ${SQL_CLIENT.initScript}`);
    expect(container.volumes).toEqual([expect.objectContaining({ container_path: SQL_CLIENT.catalogDir })]);
    expect(admitted.map((c) => c.name)).toEqual([SQL_CLIENT.serviceName]);
  });

  it('mounts its files from a ConfigMap on Kubernetes, its catalog on a claim of its own', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      new SqlClient(scope, 'sql', { platform, image: 'flink:test', session: sessionOn(scope, platform, []), initSql: INIT_SQL, secretEnv: {} });
    });
    const [workload] = resourcesOf(synthesized, 'kubernetes_stateful_set_v1').filter((d) => d.metadata.name === SQL_CLIENT.serviceName);
    const items = workload.spec.template.spec.volume.find((v: { name: string }) => v.name === 'files').config_map.items;
    expect(items.map((i: { mode: string }) => i.mode)).toEqual(['0644', '0644']);
    expect(workload.spec.template.spec.container[0].command).toEqual(IDLE);
    expect(workload.spec.volume_claim_template.map((c: { spec: { resources: { requests: { storage: string } } } }) => c.spec.resources.requests.storage)).toEqual(['1Gi']);
  });

  it('refuses a container too small for the client\'s JVM and a catalog volume of part of a GiB, naming the option', () => {
    expect(() => synthOnDocker((scope, platform) => {
      new SqlClient(scope, 'sql', { platform, image: 'flink:test', session: sessionOn(scope, platform, []), initSql: INIT_SQL, secretEnv: {}, memoryMiB: 256 });
    })).toThrow('SqlClient: memoryMiB must be an integer of at least 512, got 256');
    expect(() => synthOnDocker((scope, platform) => {
      new SqlClient(scope, 'sql', { platform, image: 'flink:test', session: sessionOn(scope, platform, []), initSql: INIT_SQL, secretEnv: {}, catalogVolumeGiB: 0.5 });
    })).toThrow('SqlClient: catalogVolumeGiB must be a whole number of GiB, at least 1, got 0.5');
  });
});
