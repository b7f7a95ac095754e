// Environments share a project by prefix: every name comes from names.tf, which Terraform
// itself evaluates here (terraform console) for several prefixes. Names must be distinct
// within an environment and between environments, and within each service's limits; the
// functions must read the environment's own secrets.
import { expect } from 'chai';
import { functionsExport } from '../../functions/deploy/manifest.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { loadPlatformConfig } from '../../functions/platform/config.js';
import { Redactor } from '../../functions/platform/logger.js';
import { SecretManagerSecrets } from '../../functions/platform/secrets-gcp.js';
import { evaluator, type Evaluator } from './console.js';
import { allResources, expr, loadTerraform, resource, type TerraformConfig } from './hcl.js';

type Names = Record<string, string[]>;

// A 30-character project id (the longest allowed) and the longest allowed prefix.
const PROJECT = 'a23456789-b23456789-c234567890';
const PREFIXES = ['fanpulse-', 'prod-', 'staging-', 'fanpulse-dev-', 'abcdefghijklm-'];

/** What each service accepts as a name (Google Cloud documentation of each resource). */
const LIMITS: Record<string, RegExp> = {
  buckets: /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/,
  datasets: /^[A-Za-z0-9_]{1,1024}$/,
  topics: /^(?!goog)[A-Za-z][A-Za-z0-9_.~+%-]{2,254}$/,
  subscriptions: /^(?!goog)[A-Za-z][A-Za-z0-9_.~+%-]{2,254}$/,
  secrets: /^[A-Za-z0-9_-]{1,255}$/,
  // Cloud Run service names (a gen2 function is one): at most 49 characters.
  functions: /^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/,
  service_accounts: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  scheduler_jobs: /^[A-Za-z0-9_-]{1,500}$/,
  custom_roles: /^[A-Za-z0-9_.]{3,64}$/,
  repositories: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  log_metrics: /^[A-Za-z0-9_./-]{1,100}$/,
};

describe('terraform: environments side by side in one project', () => {
  let tf: TerraformConfig;
  let tfEval: Evaluator;
  const names = new Map<string, Names>();
  before(async () => {
    tf = await loadTerraform();
    tfEval = await evaluator(tf);
    for (const prefix of PREFIXES) {
      const [value] = tfEval.evaluate({ project_id: PROJECT, prefix }, ['local.resource_names']);
      names.set(prefix, value as Names);
    }
  });
  after(() => tfEval.close());

  it('names everything within each service’s limits, distinct within an environment', () => {
    for (const [prefix, byKind] of names) {
      expect(Object.keys(byKind).sort(), prefix).to.deep.equal(Object.keys(LIMITS).sort());
      for (const [kind, list] of Object.entries(byKind)) {
        expect(list.length, `${prefix} ${kind}`).to.be.greaterThan(0);
        expect(new Set(list).size, `${prefix} ${kind} repeats a name`).to.equal(list.length);
        for (const name of list) expect(name, `${prefix} ${kind}`).to.match(LIMITS[kind]!);
      }
    }
  });

  it('gives two environments no name in common, in any namespace', () => {
    for (const a of PREFIXES) {
      for (const b of PREFIXES) {
        if (a >= b) continue;
        for (const kind of Object.keys(LIMITS)) {
          const shared = names.get(a)![kind]!.filter((n) => names.get(b)![kind]!.includes(n));
          expect(shared, `${a} and ${b} share ${kind}`).to.deep.equal([]);
        }
      }
    }
    // The default environment keeps the names it had (no migration for the dataset,
    // topics, buckets, accounts).
    const fanpulse = names.get('fanpulse-')!;
    expect(fanpulse.datasets).to.deep.equal(['fanpulse']);
    expect(fanpulse.topics).to.include('fanpulse-spotify-jobs');
    expect(fanpulse.secrets).to.include('fanpulse-spotify-client-id');
    expect(fanpulse.custom_roles).to.deep.equal(['fanpulse_rowInserter']);
    expect(names.get('fanpulse-dev-')!.datasets).to.deep.equal(['fanpulse_dev']);
  });

  it('names every resource from names.tf, never from the prefix directly', () => {
    const named: Array<[string, string, string]> = [
      ['google_storage_bucket.raw', 'name', 'local.raw_bucket_name'],
      ['google_storage_bucket.source', 'name', 'local.source_bucket_name'],
      ['google_bigquery_dataset.this', 'dataset_id', 'local.dataset_id'],
      ['google_pubsub_topic.jobs', 'name', 'each.value'],
      ['google_pubsub_topic.dead_letter', 'name', 'local.dead_letter_topic'],
      ['google_pubsub_subscription.push', 'name', 'local.push_subscription_names[each.key]'],
      ['google_pubsub_subscription.dead_letter', 'name', 'local.dead_letter_subscription'],
      ['google_secret_manager_secret.secret', 'secret_id', 'local.secret_ids[each.value]'],
      ['google_cloudfunctions2_function.fn', 'name', 'local.function_names[each.key]'],
      ['google_service_account.fn', 'account_id', 'local.function_account_ids[each.key]'],
      ['google_service_account.build', 'account_id', 'local.build_account_id'],
      ['google_service_account.pubsub_push', 'account_id', 'local.push_account_id'],
      ['google_cloud_scheduler_job.job', 'name', 'local.scheduler_job_names[each.key]'],
      ['google_project_iam_custom_role.row_inserter', 'role_id', 'local.row_inserter_role_id'],
      ['google_artifact_registry_repository.functions', 'repository_id', 'local.image_repository_id'],
      ['google_logging_metric.fn', 'name', 'local.log_metric_names[each.key]'],
    ];
    for (const [address, attribute, expected] of named) {
      const [type, name] = address.split('.') as [string, string];
      expect(expr(resource(tf, type, name)[attribute]), address).to.equal(expected);
    }
    expect(expr(resource(tf, 'google_pubsub_topic', 'jobs').for_each)).to.equal('local.topic_names');
    // Every resource that takes a name is in the list above.
    const nameAttributes = ['name', 'account_id', 'secret_id', 'role_id', 'repository_id'];
    const creators = allResources(tf)
      .filter(([address, body]) => {
        if (/_iam_member\./.test(address) || address.startsWith('google_bigquery_table.')) return false;
        if (address === 'google_storage_bucket_object.source') return false; // content-hash name
        return nameAttributes.some((a) => a in body) || 'dataset_id' in body;
      })
      .map(([address]) => address);
    expect(creators.sort()).to.deep.equal(named.map(([a]) => a).sort());
  });

  it('accepts only prefixes that keep environments apart', () => {
    for (const prefix of ['dev-', 'fanpulse-', 'eu-prod-2-', 'abcdefghijklm-']) {
      expect(tfEval.refusal({ project_id: PROJECT, prefix }), prefix).to.equal(null);
    }
    for (const prefix of ['dev', 'Dev-', '-dev-', 'dev_', 'abcdefghijklmn-', '1dev-']) {
      expect(tfEval.refusal({ project_id: PROJECT, prefix }), prefix).to.include('prefix must');
    }
    const [dataset] = tfEval.evaluate({ project_id: PROJECT, prefix: 'dev-', dataset_id: 'legacy' }, [
      'local.dataset_id',
    ]);
    expect(dataset).to.equal('legacy');
  });

  it("lets the functions read their own environment's secrets (FANPULSE_SECRET_PREFIX)", async () => {
    const env = tf.locals.common_env as Record<string, string>;
    expect(env.FANPULSE_SECRET_PREFIX).to.equal('${var.prefix}');
    expect(env.FANPULSE_TOPIC_PREFIX).to.equal('${var.prefix}');
    const [secretIds] = tfEval.evaluate({ project_id: PROJECT, prefix: 'staging-' }, ['local.secret_ids']) as [
      Record<string, string>,
    ];
    const config = loadPlatformConfig({
      FANPULSE_BACKEND: 'gcp',
      GOOGLE_CLOUD_PROJECT: PROJECT,
      FANPULSE_RAW_BUCKET: `${PROJECT}-staging-raw`,
      FANPULSE_SECRET_PREFIX: 'staging-',
    });
    const asked: string[] = [];
    const secrets = new SecretManagerSecrets({
      projectId: PROJECT,
      version: config.secretVersion,
      cacheSeconds: config.secretCacheSeconds,
      prefix: config.secretPrefix,
      redactor: new Redactor(),
      clock: new FakeClock('2026-12-01T00:00:00Z'),
      client: {
        accessSecretVersion: ({ name }) => {
          asked.push(name);
          return Promise.resolve([{ payload: { data: 'value' } }]);
        },
      },
    });
    const ids = functionsExport().secrets;
    expect(Object.keys(secretIds).sort()).to.deep.equal(ids);
    for (const id of ids) await secrets.get(id);
    expect(asked).to.deep.equal(
      ids.map((id) => `projects/${PROJECT}/secrets/${secretIds[id]}/versions/latest`),
    );
    // Without a prefix (local runs against Secret Manager) the ids stay as they are.
    expect(loadPlatformConfig({}).secretPrefix).to.equal('');
    expect(() => loadPlatformConfig({ FANPULSE_SECRET_PREFIX: 'a/b' })).to.throw(/FANPULSE_SECRET_PREFIX/);
  });
});
