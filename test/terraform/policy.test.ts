// Security and operability rules over the whole Terraform configuration: no primitive
// roles, nothing public but the two webhooks, private buckets, the environment the code
// reads, alerts on log lines the code really writes, formatting.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadPlatformConfig } from '../../functions/platform/config.js';
import { loadSubscriberConfig } from '../../functions/faces/pubsub/config.js';
import {
  allResources,
  expr,
  loadTerraform,
  only,
  parseHclFile,
  resource,
  resourcesOfType,
  strings,
  type TerraformConfig,
} from './hcl.js';

const PUBLIC_MEMBERS = /\b(allUsers|allAuthenticatedUsers)\b/;

describe('terraform: least privilege, private by default, observable', () => {
  let tf: TerraformConfig;
  before(async () => {
    tf = await loadTerraform();
  });

  it('grants no primitive role, only predefined service roles, never authoritatively', () => {
    for (const [name, text] of tf.files) {
      expect(text, name).not.to.match(/roles\/(owner|editor|viewer)\b/);
    }
    const roles = allResources(tf).flatMap(([, body]) =>
      strings(body).flatMap((s) => s.match(/roles\/[A-Za-z.]+/g) ?? []),
    );
    roles.push(...strings(tf.locals).flatMap((s) => s.match(/roles\/[A-Za-z.]+/g) ?? []));
    expect(roles.length).to.be.greaterThan(10);
    for (const role of roles) expect(role).to.match(/^roles\/[a-z]+\.[A-Za-z.]+$/);
    for (const [address] of allResources(tf)) {
      expect(address, 'authoritative IAM would remove grants made elsewhere').not.to.match(
        /_iam_(policy|binding)\./,
      );
    }
  });

  it('makes only the chatbot and events functions invocable from the internet', () => {
    const publicOnes = allResources(tf).filter(([, body]) =>
      strings(body).some((s) => PUBLIC_MEMBERS.test(s)),
    );
    expect(publicOnes.map(([address]) => address)).to.deep.equal([
      'google_cloud_run_v2_service_iam_member.public_invoker',
    ]);
    const invoker = resource(tf, 'google_cloud_run_v2_service_iam_member', 'public_invoker');
    expect(invoker.member).to.equal('allUsers');
    expect(invoker.role).to.equal('roles/run.invoker');
    expect(expr(invoker.for_each)).to.equal('local.public_functions');
    expect(expr(tf.locals.public_functions)).to.equal(
      '{ for k, f in local.functions : k => f if f.kind == "http" && f.public }',
    );
    expect(strings(tf.locals).some((s) => PUBLIC_MEMBERS.test(s))).to.equal(false);
    // The job functions answer Pub/Sub only: internal ingress, invoker = the push identity.
    const service = only(resource(tf, 'google_cloudfunctions2_function', 'fn').service_config);
    expect(expr(service.ingress_settings)).to.equal(
      'each.value.kind == "http" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"',
    );
    const push = resource(tf, 'google_cloud_run_v2_service_iam_member', 'push_invoker');
    expect(expr(push.for_each)).to.equal('local.pubsub_functions');
    expect(expr(push.member)).to.equal('google_service_account.pubsub_push.member');
  });

  it('keeps every bucket private: uniform access, public access prevention enforced', () => {
    const buckets = resourcesOfType(tf, 'google_storage_bucket');
    expect([...buckets.keys()].sort()).to.deep.equal(['raw', 'source']);
    for (const [name, bucket] of buckets) {
      expect(bucket.uniform_bucket_level_access, name).to.equal(true);
      expect(bucket.public_access_prevention, name).to.equal('enforced');
    }
    for (const [name, grant] of resourcesOfType(tf, 'google_storage_bucket_iam_member')) {
      expect(expr(grant.member), name).to.match(/^google_service_account\.[a-z_]+(\[[^\]]+\])?\.member$/);
    }
  });

  it('sets the environment the code reads, which configures every GCP adapter', async () => {
    const common = tf.locals.common_env as Record<string, string>;
    const names = Object.keys(common);
    expect(names).to.include.members([
      'FANPULSE_BACKEND',
      'GOOGLE_CLOUD_PROJECT',
      'FANPULSE_RAW_BUCKET',
      'FANPULSE_BQ_DATASET',
      'FANPULSE_TOPIC_PREFIX',
    ]);
    expect(common.FANPULSE_BACKEND).to.equal('gcp');
    const sources =
      (await readFile('functions/platform/config.ts', 'utf8')) +
      (await readFile('functions/faces/pubsub/config.ts', 'utf8'));
    const functionEnv = expr(tf.locals.function_env);
    const perKind = [...functionEnv.matchAll(/\b(FANPULSE_[A-Z_]+) =/g)].map((m) => m[1]!);
    for (const name of [...names, ...perKind]) {
      expect(sources, `${name} is not read by the code`).to.match(new RegExp(`\\b${name}:`));
    }
    // With plausible values, the functions' configuration parses and picks the cloud.
    const sample: Record<string, string> = {
      FANPULSE_BACKEND: 'gcp',
      GOOGLE_CLOUD_PROJECT: 'my-project',
      FANPULSE_RAW_BUCKET: 'my-project-fanpulse-raw',
      FANPULSE_BQ_DATASET: 'fanpulse',
      FANPULSE_BQ_LOCATION: 'US',
      FANPULSE_TOPIC_PREFIX: 'fanpulse-',
      FANPULSE_LOG_LEVEL: 'INFO',
      FANPULSE_RAW_GZIP: 'false',
      FANPULSE_RUN_BUDGET_SECONDS: '480',
      FANPULSE_PUBSUB_BATCH_MS: '5',
      FANPULSE_SECRET_PREFIX: 'fanpulse-',
    };
    for (const name of [...names, ...perKind]) expect(sample, name).to.have.property(name);
    const config = loadPlatformConfig(sample);
    expect(config).to.deep.include({
      rawStore: 'gcs',
      warehouse: 'bigquery',
      secrets: 'secret-manager',
      queue: 'pubsub',
      stateStore: 'gcs',
      stateBucket: 'my-project-fanpulse-raw',
      topicPrefix: 'fanpulse-',
      secretPrefix: 'fanpulse-',
      pubsubBatchMs: 5,
    });
    expect(() => loadSubscriberConfig(sample)).not.to.throw();
  });

  it('alerts on log messages the code writes, and on dead-lettered messages', async () => {
    const metrics = tf.locals.log_metrics as Record<string, { filter: string }>;
    const alerts = tf.locals.log_alerts as Record<string, unknown>;
    expect(Object.keys(alerts).sort()).to.deep.equal(Object.keys(metrics).sort());
    const code =
      (await readFile('functions/core/run-summary.ts', 'utf8')) +
      (await readFile('functions/platform/rows.ts', 'utf8'));
    const messages = Object.values(metrics).flatMap((m) =>
      [...m.filter.matchAll(/"([^"]+)"/g)].map((x) => x[1]!),
    );
    expect(messages).to.include.members([
      'job run failed',
      'job run failed permanently',
      'warehouse rejected rows',
    ]);
    for (const message of messages) expect(code, message).to.include(`'${message}'`);
    expect(code).to.include("jobLog.alert('job run failed permanently'");
    expect(code).to.include("jobLog.error('job run failed'");
    for (const [name, policy] of resourcesOfType(tf, 'google_monitoring_alert_policy')) {
      expect(expr(policy.notification_channels), name).to.equal('var.notification_channels');
    }
    const dead = resource(tf, 'google_monitoring_alert_policy', 'dead_letter');
    expect(strings(dead).join(' ')).to.include('google_pubsub_subscription.dead_letter.name');
  });

  it('enables every API the system uses', () => {
    expect(expr(resource(tf, 'google_project_service', 'apis').for_each)).to.equal('local.apis');
    const apis = strings(tf.locals.apis);
    for (const api of [
      'cloudfunctions',
      'run',
      'cloudbuild',
      'artifactregistry',
      'eventarc',
      'pubsub',
      'cloudscheduler',
      'secretmanager',
      'bigquery',
      'storage',
      'logging',
      'monitoring',
    ]) {
      expect(apis.join(' '), api).to.include(`${api}.googleapis.com`);
    }
  });

  it('types and describes every variable, describes every output, pins every provider', () => {
    for (const [name, v] of tf.variables) {
      expect(v, name).to.have.property('type');
      expect(String(v.description ?? ''), name).to.have.length.greaterThan(10);
    }
    for (const [name, o] of tf.outputs) {
      expect(String(o.description ?? ''), name).to.have.length.greaterThan(10);
    }
    expect([...tf.outputs.keys()]).to.include.members([
      'function_urls',
      'raw_bucket',
      'dataset_id',
      'topics',
    ]);
    const versions = tf.files.get('versions.tf') ?? '';
    for (const provider of ['hashicorp/google', 'hashicorp/archive']) {
      expect(versions).to.match(new RegExp(`source\\s*=\\s*"${provider}"`));
    }
    expect(versions).to.match(/version\s*=\s*">= 7\.[0-9.]+, < 8\.0\.0"/);
  });

  it('documents every input and output in terraform/README.md; the tfvars example sets only inputs', async () => {
    const readme = await readFile('terraform/README.md', 'utf8');
    for (const name of [...tf.variables.keys(), ...tf.outputs.keys()]) {
      expect(readme, `README table row for ${name}`).to.include(`| \`${name}\` |`);
    }
    expect(readme).to.include('gcloud secrets versions add');
    const example = await parseHclFile('terraform/terraform.tfvars.example');
    expect(Object.keys(example)).to.include('project_id');
    for (const key of Object.keys(example)) expect(tf.variables.has(key), key).to.equal(true);
  });

  it('is formatted (terraform fmt -check -recursive terraform)', () => {
    const fmt = spawnSync('terraform', ['fmt', '-check', '-recursive', 'terraform'], {
      encoding: 'utf8',
    });
    expect(fmt.error, 'terraform must be on PATH').to.equal(undefined);
    expect(fmt.stdout.trim(), 'files terraform fmt would change').to.equal('');
    expect(fmt.status).to.equal(0);
  });
});
