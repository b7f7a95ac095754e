// The Terraform configuration, parsed, against the code: every table and view of schemas/,
// every function with its own service account, every topic, secret and scheduled job.
// Resources are created with for_each over the generated JSON, so each check is two
// halves: the JSON has the item (generated.test.ts and here), and the resource iterates
// over exactly that JSON collection with the right wiring.
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { functionsExport } from '../../functions/deploy/manifest.js';
import { schedulesExport } from '../../functions/deploy/terraform-exports.js';
import { blocks, expr, loadTerraform, only, resource, type TerraformConfig } from './hcl.js';

const SCHEMAS = 'schemas/bigquery';

interface Manifest {
  tables: Array<{
    name: string;
    schema_file: string;
    partition_field: string;
    clustering: string[];
  }>;
  views: Array<{ name: string; sql_file: string; depends_on: string[] }>;
}

describe('terraform: resources cover what the code needs', () => {
  let tf: TerraformConfig;
  let manifest: Manifest;
  before(async () => {
    tf = await loadTerraform();
    manifest = JSON.parse(await readFile(`${SCHEMAS}/manifest.json`, 'utf8')) as Manifest;
  });

  it('reads the generated files and the schema manifest from where the code writes them', () => {
    expect(expr(tf.locals.deploy)).to.equal(
      'jsondecode(file("${path.module}/generated/functions.json"))',
    );
    expect(expr(tf.locals.schedules)).to.equal(
      'jsondecode(file("${path.module}/generated/schedules.json"))',
    );
    expect(tf.locals.schemas_dir).to.equal('${path.module}/../schemas/bigquery');
    expect(expr(tf.locals.manifest)).to.equal(
      'jsondecode(file("${local.schemas_dir}/manifest.json"))',
    );
    expect(expr(tf.locals.functions)).to.equal('local.deploy.functions');
  });

  it('creates a partitioned, clustered table for every schema file in schemas/bigquery', async () => {
    const schemaFiles = (await readdir(SCHEMAS)).filter(
      (n) => n.endsWith('.json') && n !== 'manifest.json',
    );
    expect(manifest.tables.map((t) => t.schema_file).sort()).to.deep.equal(schemaFiles.sort());
    for (const t of manifest.tables) {
      const fields = JSON.parse(await readFile(`${SCHEMAS}/${t.schema_file}`, 'utf8')) as Array<{
        name: string;
        type: string;
      }>;
      expect(t.partition_field, t.name).to.equal('collected_at');
      expect(fields.find((f) => f.name === 'collected_at')?.type, t.name).to.equal('TIMESTAMP');
      for (const c of t.clustering) expect(fields.map((f) => f.name), t.name).to.include(c);
    }
    expect(expr(tf.locals.tables)).to.equal('{ for t in local.manifest.tables : t.name => t }');
    const table = resource(tf, 'google_bigquery_table', 'table');
    expect(expr(table.for_each)).to.equal('local.tables');
    expect(expr(table.table_id)).to.equal('each.key');
    expect(expr(table.schema)).to.equal('file("${local.schemas_dir}/${each.value.schema_file}")');
    expect(expr(table.clustering)).to.equal('each.value.clustering');
    const partitioning = only(table.time_partitioning);
    expect(partitioning.type).to.equal('DAY');
    expect(expr(partitioning.field)).to.equal('each.value.partition_field');
    expect(expr(partitioning.expiration_ms)).to.equal('local.partition_expiration_ms');
    expect(expr(tf.locals.partition_expiration_ms)).to.include('var.partition_expiration_days');
  });

  it('creates every view after what it reads, with only templatefile placeholders in its SQL', async () => {
    const sqlFiles = (await readdir(`${SCHEMAS}/views`)).filter((n) => n.endsWith('.sql'));
    expect(manifest.views.map((v) => v.sql_file).sort()).to.deep.equal(
      sqlFiles.map((n) => `views/${n}`).sort(),
    );
    for (const v of manifest.views) {
      const sql = await readFile(`${SCHEMAS}/${v.sql_file}`, 'utf8');
      const placeholders = new Set(sql.match(/\$\{[^}]*\}/g) ?? []);
      expect([...placeholders].sort(), v.name).to.deep.equal(['${dataset}', '${project}']);
      expect(sql, v.name).not.to.include('%{');
    }
    // The level each view gets in bigquery.tf: 0 reads tables only, N reads levels < N.
    const tables = new Set(manifest.tables.map((t) => t.name));
    const level = new Map<string, number>();
    for (let n = 0; n <= 2; n++) {
      for (const v of manifest.views) {
        if (level.has(v.name)) continue;
        const ready = v.depends_on.every(
          (d) => tables.has(d) || (level.has(d) && level.get(d)! < n),
        );
        if (ready) level.set(v.name, n);
      }
    }
    const unplaced = manifest.views.filter((v) => !level.has(v.name)).map((v) => v.name);
    expect(unplaced, 'views deeper than bigquery.tf has levels').to.deep.equal([]);
    const names = ['view', 'view_level_1', 'view_level_2'];
    names.forEach((name, n) => {
      const view = resource(tf, 'google_bigquery_table', name);
      expect(expr(view.for_each)).to.equal(`local.views_level_${n}`);
      const def = only(view.view);
      expect(def.use_legacy_sql).to.equal(false);
      expect(expr(def.query)).to.match(
        /^templatefile\("\$\{local\.schemas_dir\}\/\$\{each\.value\.sql_file\}", \{ project = var\.project_id dataset = google_bigquery_dataset\.this\.dataset_id \}\)$/,
      );
      const after = (view.depends_on as string[]).map(expr);
      expect(after).to.include('google_bigquery_table.table');
      for (const lower of names.slice(0, n)) expect(after).to.include(`google_bigquery_table.${lower}`);
    });
  });

  it('deploys every entry point as a nodejs24 function running as its own service account', () => {
    const fn = resource(tf, 'google_cloudfunctions2_function', 'fn');
    const sa = resource(tf, 'google_service_account', 'fn');
    expect(expr(fn.for_each)).to.equal('local.functions');
    expect(expr(sa.for_each)).to.equal('local.functions');
    expect(expr(sa.account_id)).to.equal('local.function_account_ids[each.key]');
    expect(expr(tf.locals.function_account_ids)).to.equal(
      '{ for k, f in local.functions : k => "${var.prefix}${f.id}" }',
    );
    const build = only(fn.build_config);
    expect(build.runtime).to.equal('nodejs24');
    expect(expr(build.entry_point)).to.equal('each.key');
    const storage = only(only(build.source).storage_source);
    expect(expr(storage.object)).to.equal('google_storage_bucket_object.source.name');
    const service = only(fn.service_config);
    expect(expr(service.service_account_email)).to.equal(
      'google_service_account.fn[each.key].email',
    );
    for (const [attribute, field] of [
      ['max_instance_count', 'max_instances'],
      ['timeout_seconds', 'timeout_seconds'],
      ['available_memory', 'memory'],
    ] as const) {
      expect(expr(service[attribute]), attribute).to.equal(
        `local.function_settings[each.key].${field}`,
      );
    }
    expect(expr(service.environment_variables)).to.equal('local.function_env[each.key]');
    const trigger = only(only(fn.dynamic).event_trigger);
    const content = only(trigger.content);
    expect(content.retry_policy).to.equal('RETRY_POLICY_RETRY');
    expect(content.event_type).to.equal('google.cloud.pubsub.topic.v1.messagePublished');
    expect(expr(content.pubsub_topic)).to.equal('google_pubsub_topic.jobs[event_trigger.value].id');
    expect(expr(trigger.for_each)).to.include('each.value.kind == "pubsub"');
  });

  it('creates every job topic, a dead-letter topic, and a push subscription that dead-letters', () => {
    const exported = functionsExport();
    expect(expr(tf.locals.topic_names)).to.equal(
      '{ for t in local.deploy.topics : t => "${var.prefix}${t}" }',
    );
    expect(expr(resource(tf, 'google_pubsub_topic', 'jobs').for_each)).to.equal(
      'local.topic_names',
    );
    expect(expr(tf.locals.dead_letter_topic)).to.equal(
      '${var.prefix}${local.deploy.dead_letter_topic}',
    );
    const push = resource(tf, 'google_pubsub_subscription', 'push');
    expect(expr(push.for_each)).to.equal(
      'var.pubsub_delivery == "push" ? local.pubsub_functions : {}',
    );
    expect(expr(push.topic)).to.equal('google_pubsub_topic.jobs[each.value.consumes].id');
    const dead = only(push.dead_letter_policy);
    expect(expr(dead.dead_letter_topic)).to.equal('google_pubsub_topic.dead_letter.id');
    expect(only(push.retry_policy)).to.have.keys('minimum_backoff', 'maximum_backoff');
    const endpoint = expr(only(push.push_config).push_endpoint);
    expect(endpoint).to.include('google_cloudfunctions2_function.fn[each.key].service_config[0].uri');
    // Every pubsub function consumes a topic that exists.
    for (const f of Object.values(exported.functions)) {
      if (f.kind === 'pubsub') expect(exported.topics, f.entry_point).to.include(f.consumes);
    }
    // Dead-lettering needs the Pub/Sub service agent on both ends.
    const publisher = resource(tf, 'google_pubsub_topic_iam_member', 'dead_letter_publisher');
    expect(publisher.role).to.equal('roles/pubsub.publisher');
    expect(expr(publisher.member)).to.equal('local.pubsub_service_agent');
    const subscriber = resource(tf, 'google_pubsub_subscription_iam_member', 'dead_letter_subscriber');
    expect(subscriber.role).to.equal('roles/pubsub.subscriber');
    expect(expr(subscriber.for_each)).to.equal('google_pubsub_subscription.push');
    // The agent's email comes from the service identity, after it settled (first-apply.test.ts).
    expect(expr(tf.locals.pubsub_service_agent)).to.equal(
      'serviceAccount:${time_sleep.service_agents.triggers["pubsub"]}',
    );
    expect(only(resource(tf, 'time_sleep', 'service_agents').triggers)).to.deep.equal({
      pubsub: '${google_project_service_identity.pubsub.email}',
    });
    const keep = resource(tf, 'google_pubsub_subscription', 'dead_letter');
    expect(only(keep.expiration_policy).ttl).to.equal('');
  });

  it('lets each function publish to exactly the topics it publishes to', () => {
    // The rows themselves (one per function and topic) are checked in least-privilege.test.ts.
    const grant = resource(tf, 'google_pubsub_topic_iam_member', 'fn_publisher');
    expect(expr(grant.for_each)).to.equal(
      '{ for k, g in local.function_grants : k => g if g.on == "topic" }',
    );
    expect(expr(grant.topic)).to.equal('google_pubsub_topic.jobs[each.value.target].name');
    expect(expr(grant.member)).to.equal('google_service_account.fn[each.value.function].member');
    expect(expr(grant.role)).to.equal('each.value.role');
  });

  it('creates every secret empty and grants accessor per secret to exactly its readers', () => {
    const secret = resource(tf, 'google_secret_manager_secret', 'secret');
    expect(expr(secret.for_each)).to.equal('toset(local.deploy.secrets)');
    expect(expr(secret.secret_id)).to.equal('local.secret_ids[each.value]');
    // No values in Terraform or its state.
    expect(tf.resources.has('google_secret_manager_secret_version')).to.equal(false);
    expect(tf.data.has('google_secret_manager_secret_version')).to.equal(false);
    const accessor = resource(tf, 'google_secret_manager_secret_iam_member', 'accessor');
    expect(expr(accessor.for_each)).to.equal(
      '{ for k, g in local.function_grants : k => g if g.on == "secret" }',
    );
    expect(expr(accessor.role)).to.equal('each.value.role');
    expect(expr(accessor.secret_id)).to.equal(
      'google_secret_manager_secret.secret[each.value.target].secret_id',
    );
    expect(expr(accessor.member)).to.equal('google_service_account.fn[each.value.function].member');
    // What those expressions yield: one grant per (reader, secret), all secrets created.
    const exported = functionsExport();
    const granted = Object.values(exported.functions).flatMap((f) => f.secrets);
    expect([...new Set(granted)].sort()).to.deep.equal(exported.secrets);
  });

  it('schedules every job of the catalogue on the topic of its source', () => {
    // What local.scheduled_jobs holds, with and without overrides: schedules.test.ts.
    const job = resource(tf, 'google_cloud_scheduler_job', 'job');
    expect(expr(job.for_each)).to.equal('local.scheduled_jobs');
    expect(expr(job.schedule)).to.equal('each.value.cron');
    expect(expr(job.time_zone)).to.equal('each.value.time_zone');
    expect(expr(job.paused)).to.equal('each.value.paused');
    const target = only(job.pubsub_target);
    expect(expr(target.topic_name)).to.equal('google_pubsub_topic.jobs[each.value.topic].id');
    expect(expr(target.data)).to.equal('base64encode(each.value.message)');
    expect(expr(target.attributes)).to.equal('each.value.attributes');
    const topics = functionsExport().topics;
    for (const s of schedulesExport().schedules) expect(topics, s.id).to.include(s.topic);
  });

  it('lifecycle rules on the raw bucket touch raw/ only (the state store lives beside it)', () => {
    const raw = resource(tf, 'google_storage_bucket', 'raw');
    const rules = blocks(only(raw.dynamic), 'lifecycle_rule');
    expect(rules).to.have.length(3);
    for (const rule of rules) {
      const condition = only(only(rule.content).condition);
      expect(condition.matches_prefix).to.deep.equal(['raw/']);
    }
  });
});
