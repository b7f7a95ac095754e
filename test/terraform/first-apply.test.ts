// A first `terraform apply` on a bare project (billing on, nothing else) succeeds only if
// things are created in an order Google accepts. These checks follow the dependency
// edges Terraform derives from the configuration (graph.ts).
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { dependencyGraph, type DependencyGraph } from './graph.js';
import {
  allResources,
  expr,
  loadTerraform,
  resource,
  resourcesOfType,
  strings,
  type TerraformConfig,
} from './hcl.js';

describe('terraform: the first apply on a bare project', () => {
  let tf: TerraformConfig;
  let graph: DependencyGraph;
  before(async () => {
    tf = await loadTerraform();
    graph = dependencyGraph(tf);
  });

  const waitsFor = (from: string, to: string) =>
    expect(graph.reaches(from).has(to), `${from} must wait for ${to}`).to.equal(true);

  it('enables Service Usage, Resource Manager and IAM first, every other API after them', async () => {
    const bootstrap = strings(tf.locals.bootstrap_apis).join(' ');
    for (const api of ['serviceusage', 'cloudresourcemanager', 'iam']) {
      expect(bootstrap).to.include(`${api}.googleapis.com`);
    }
    expect(expr(resource(tf, 'google_project_service', 'bootstrap').for_each)).to.equal(
      'local.bootstrap_apis',
    );
    waitsFor('google_project_service.apis', 'google_project_service.bootstrap');
    // The README's bootstrap command enables exactly these (Terraform cannot enable
    // Service Usage through Service Usage on a project where it is off).
    const readme = await readFile('terraform/README.md', 'utf8');
    const command = /gcloud services enable ([a-z. ]+) --project/.exec(readme);
    expect(command, 'README: gcloud services enable ... --project').to.not.equal(null);
    expect(command![1]!.trim().split(/\s+/).sort()).to.deep.equal(
      (tf.locals.bootstrap_apis as string).match(/[a-z]+\.googleapis\.com/g)!.sort(),
    );
  });

  it('creates every resource after the APIs it needs', () => {
    const exempt = new Set([
      'google_project_service.bootstrap',
      'google_project_service.apis',
      // The IAM API is a bootstrap API; custom roles need nothing else.
      'google_project_iam_custom_role.row_inserter',
    ]);
    for (const [address] of allResources(tf)) {
      if (exempt.has(address)) continue;
      waitsFor(address, 'google_project_service.apis');
    }
    waitsFor('google_project_iam_custom_role.row_inserter', 'google_project_service.bootstrap');
    // Project IAM goes through Cloud Resource Manager.
    for (const [name] of resourcesOfType(tf, 'google_project_iam_member')) {
      waitsFor(`google_project_iam_member.${name}`, 'google_project_service.bootstrap');
    }
    // No data source reads the project before its APIs are on (data.google_project needs
    // Cloud Resource Manager at plan time).
    expect([...tf.data.keys()]).to.deep.equal(['archive_file']);
  });

  it('creates the Pub/Sub service agent before granting it anything, and lets it settle', () => {
    const identity = resource(tf, 'google_project_service_identity', 'pubsub');
    expect(identity.service).to.equal('pubsub.googleapis.com');
    expect(expr(identity.provider)).to.equal('google-beta');
    waitsFor('time_sleep.service_agents', 'google_project_service_identity.pubsub');
    const agentGrants = allResources(tf).filter(([, body]) =>
      strings(body).some((s) => s.includes('local.pubsub_service_agent')),
    );
    expect(agentGrants.map(([a]) => a).sort()).to.deep.equal([
      'google_pubsub_subscription_iam_member.dead_letter_subscriber',
      'google_pubsub_topic_iam_member.dead_letter_publisher',
      'google_service_account_iam_member.pubsub_push_token',
    ]);
    for (const [address] of agentGrants) waitsFor(address, 'time_sleep.service_agents');
    // Nobody spells the agent's address by hand (it would not wait for the agent).
    for (const [name, text] of tf.files) expect(text, name).not.to.include('@gcp-sa-pubsub');
  });

  it('creates alert policies only after their log metrics had time to appear in Monitoring', () => {
    const sleep = resource(tf, 'time_sleep', 'log_metrics');
    expect(expr(sleep.create_duration)).to.equal('${var.log_metric_wait_seconds}s');
    waitsFor('time_sleep.log_metrics', 'google_logging_metric.fn');
    waitsFor('google_monitoring_alert_policy.log_metric', 'time_sleep.log_metrics');
    expect(tf.variables.get('log_metric_wait_seconds')?.default).to.be.at.least(60);
    // A new or renamed metric waits again (the sleep is replaced when its triggers change).
    expect(strings(sleep.triggers).join(' ')).to.include('google_logging_metric.fn');
  });

  it('builds and starts the functions only after their grants are in force', () => {
    waitsFor('google_cloudfunctions2_function.fn', 'time_sleep.grants');
    for (const grant of [
      'google_project_iam_member.build_log_writer',
      'google_artifact_registry_repository_iam_member.build_images',
      'google_storage_bucket_iam_member.build_source',
      'google_project_iam_member.build_staged_source',
      'google_project_iam_member.fn',
      'google_storage_bucket_iam_member.fn_raw',
      'google_bigquery_dataset_iam_member.fn_warehouse',
      'google_pubsub_topic_iam_member.fn_publisher',
      'google_secret_manager_secret_iam_member.accessor',
    ]) {
      waitsFor('time_sleep.grants', grant);
    }
    // The custom role exists before anything is granted with it.
    waitsFor('google_bigquery_dataset_iam_member.fn_warehouse', 'google_project_iam_custom_role.row_inserter');
    // Push subscriptions call the functions once the push identity may invoke them and the
    // agent may dead-letter.
    waitsFor('google_pubsub_subscription.push', 'google_cloud_run_v2_service_iam_member.push_invoker');
    waitsFor('google_pubsub_subscription.push', 'google_pubsub_topic_iam_member.dead_letter_publisher');
  });

  it('waits with time_sleep from hashicorp/time, pinned like the other providers', () => {
    const versions = tf.files.get('versions.tf') ?? '';
    for (const provider of ['hashicorp/time', 'hashicorp/google-beta']) {
      expect(versions).to.match(new RegExp(`source\\s*=\\s*"${provider}"`));
    }
    for (const [name, sleep] of resourcesOfType(tf, 'time_sleep')) {
      expect(sleep, name).to.have.property('create_duration');
    }
  });

  it('lists, in the README, a role of the applying identity for every resource type', async () => {
    // What creating (and granting on) each resource type takes, short of Owner.
    const needs: Record<string, string> = {
      google_project_service: 'roles/serviceusage.serviceUsageAdmin',
      google_project_service_identity: 'roles/serviceusage.serviceUsageAdmin',
      google_project_iam_member: 'roles/resourcemanager.projectIamAdmin',
      google_project_iam_custom_role: 'roles/iam.roleAdmin',
      google_service_account: 'roles/iam.serviceAccountAdmin',
      google_service_account_iam_member: 'roles/iam.serviceAccountAdmin',
      google_storage_bucket: 'roles/storage.admin',
      google_storage_bucket_iam_member: 'roles/storage.admin',
      google_storage_bucket_object: 'roles/storage.admin',
      google_bigquery_dataset: 'roles/bigquery.dataOwner',
      google_bigquery_table: 'roles/bigquery.dataOwner',
      google_bigquery_dataset_iam_member: 'roles/bigquery.dataOwner',
      google_pubsub_topic: 'roles/pubsub.admin',
      google_pubsub_subscription: 'roles/pubsub.admin',
      google_pubsub_topic_iam_member: 'roles/pubsub.admin',
      google_pubsub_subscription_iam_member: 'roles/pubsub.admin',
      google_secret_manager_secret: 'roles/secretmanager.admin',
      google_secret_manager_secret_iam_member: 'roles/secretmanager.admin',
      google_cloudfunctions2_function: 'roles/cloudfunctions.admin',
      google_cloud_run_v2_service_iam_member: 'roles/run.admin',
      google_artifact_registry_repository: 'roles/artifactregistry.admin',
      google_artifact_registry_repository_iam_member: 'roles/artifactregistry.admin',
      google_cloud_scheduler_job: 'roles/cloudscheduler.admin',
      google_logging_metric: 'roles/logging.configWriter',
      google_monitoring_alert_policy: 'roles/monitoring.alertPolicyEditor',
    };
    const types = [...tf.resources.keys()].filter((t) => t !== 'time_sleep').sort();
    expect(types).to.deep.equal(Object.keys(needs).sort());
    const readme = await readFile('terraform/README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### The identity that applies'), readme.indexOf('## Deploy'));
    const listed = [...section.matchAll(/^\| `(roles\/[a-zA-Z.]+)` \|/gm)].map((m) => m[1]!);
    for (const role of [...new Set(Object.values(needs)), 'roles/iam.serviceAccountUser']) {
      expect(listed, role).to.include(role);
      // ... and in the gcloud loop that grants them.
      expect(section.slice(section.indexOf('for role in')), role).to.match(new RegExp(`\\b${role.slice('roles/'.length).replace('.', '\\.')}\\b`));
    }
    expect(section).to.include('Editor alone cannot');
  });
});
