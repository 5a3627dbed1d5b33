/**
 * Benchmark (not a test): the injector's maximum sustained events/s into a local single broker with
 * acks=all, and Kafka's own kafka-producer-perf-test (ProducerPerformance) on the same broker with
 * the same record size, in the same run.
 *
 *   npx ts-node --transpile-only bench/injector-throughput.ts [--events N] [--injector-args "..."]
 *
 * Prints one JSON object on stdout; progress on stderr. The machine is shared, so the load average
 * is reported with the rates, and the clients' CPU time (events per CPU second) alongside.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaLibs, startKafka } from '../test-support/kafka';
import { injectorBundle, logLines, runCli } from '../injector/test/cli-harness';

const run = promisify(execFile);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const say = (msg: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${msg}\n`);
};

async function main(): Promise<void> {
  const events = Number(arg('events', '1000000'));
  const extraArgs = arg('injector-args', '').split(' ').filter((a) => a !== '');
  say(`starting a broker (full JIT, 1 GiB heap) and bundling the injector`);
  // The broker gets a normal server JVM here, not the fixture's quick-start settings.
  const broker = await startKafka({ jvmOptions: ['-Xms1g', '-Xmx1g', '-XX:+UseG1GC'] });
  try {
    const bundle = await injectorBundle();
    const seedArgs = ['--clock', 'synthetic', '--seed', '1'];

    // Mean record size of the injector's events, from a sample of the same seeded stream.
    const sample = await runCli(['--output', 'print', '--max-events', '20000', '--log-level', 'warn', ...seedArgs]);
    const lines = sample.stdout.trim().split('\n');
    const valueBytes = Math.round(lines.reduce((n, l) => n + Buffer.byteLength(l), 0) / lines.length);
    const keyBytes = Math.round(
      lines.reduce((n, l) => n + Buffer.byteLength((JSON.parse(l) as { user_id: string }).user_id), 0) / lines.length,
    );
    const recordBytes = valueBytes + keyBytes;

    // Warm-up: the broker's JIT and page cache, so neither measured run pays for them alone.
    say('warm-up run (100000 events)');
    await runCli(['--bootstrap-servers', broker.bootstrapServers, '--topic', 'bench-warmup', '--max-events', '100000', ...seedArgs], {
      timeoutMs: 600000,
    });

    say(`injector: ${events} events, acks=all, idempotent, into a 3-partition topic`);
    const injectorArgs = ['--bootstrap-servers', broker.bootstrapServers, '--topic', 'bench-injector', '--max-events', String(events), ...seedArgs, ...extraArgs];
    const result = await runCli(injectorArgs, { timeoutMs: 1800000 });
    if (result.code !== 0) throw new Error(`injector exited ${result.code}:\n${result.stderr.slice(-3000)}`);
    const log = logLines(result.stderr);
    const ready = log.find((l) => l.msg === 'kafka ready');
    const finished = log.find((l) => l.msg === 'finished');
    if (ready === undefined || finished === undefined) throw new Error('missing "kafka ready" or "finished" in the injector log');
    const injectorSeconds = (Date.parse(String(finished.time)) - Date.parse(String(ready.time))) / 1000;
    const injectorRate = events / injectorSeconds;
    const injectorCpuSeconds = Number(finished.cpuSeconds);
    say(`injector: ${Math.round(injectorRate)} events/s, ${injectorCpuSeconds} CPU seconds`);

    const admin = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench-perf', numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    say(`kafka-producer-perf-test: ${events} records of ${recordBytes} bytes, acks=all`);
    const perfArgs = [
      '-Xms512m',
      '-Xmx512m',
      '-cp',
      path.join(kafkaLibs(), '*'),
      `-Dlog4j.configuration=file:${path.join(kafkaLibs(), '..', 'config', 'log4j.properties')}`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      'bench-perf',
      '--num-records',
      String(events),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${broker.bootstrapServers}`,
      'acks=all',
      'enable.idempotence=true',
    ];
    // GNU time reports the tool's CPU time (user + system, all JVM threads) on the last stderr line.
    const perf = await run('/usr/bin/time', ['-f', 'cpu %U %S', 'java', ...perfArgs], { maxBuffer: 64 * 1024 * 1024, timeout: 1800000 });
    const summary = perf.stdout.trim().split('\n').pop() ?? '';
    const cpuMatch = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(perf.stderr);
    const perfCpuSeconds = cpuMatch === null ? NaN : Number(cpuMatch[1]) + Number(cpuMatch[2]);
    const match = /([\d.]+) records\/sec/.exec(summary);
    if (match === null) throw new Error(`unexpected ProducerPerformance output: ${perf.stdout.slice(-2000)}`);
    const perfRate = Number(match[1]);
    say(`kafka-producer-perf-test: ${Math.round(perfRate)} records/s`);

    process.stdout.write(
      `${JSON.stringify(
        {
          events,
          recordBytes,
          valueBytes,
          keyBytes,
          injectorEventsPerSecond: Math.round(injectorRate),
          producerPerfTestRecordsPerSecond: Math.round(perfRate),
          ratio: Math.round((injectorRate / perfRate) * 1000) / 1000,
          // CPU cost on the client side: with a core to itself, a client could reach about this rate.
          injectorEventsPerCpuSecond: Math.round(events / injectorCpuSeconds),
          producerPerfTestRecordsPerCpuSecond: Math.round(events / perfCpuSeconds),
          targetEventsPerSecond: 50000,
          injectorArgs: [...seedArgs, '--max-events', String(events), ...extraArgs].join(' '),
          perfTestSummary: summary,
          machine: { cpus: os.cpus().length, loadAverage1m: os.loadavg()[0], node: process.version, bundle: path.basename(bundle) },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await broker.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
