// Which function may do what follows from the deploy manifest (functions/deploy/manifest.ts);
// this test derives the grants from it and compares them, row for row, with the grants
// table Terraform computes (access.tf, evaluated by `terraform console`) and with every IAM
// resource that names a function's account. Any grant beyond the manifest fails.
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { functionsExport } from '../../functions/deploy/manifest.js';
import { evaluator, type Evaluator } from './console.js';
import { allResources, expr, loadTerraform, only, resource, strings, type TerraformConfig } from './hcl.js';

interface Grant {
  function: string;
  role: string;
  on: string;
  target: string;
}

const PROJECT = 'my-project-123';
const ROW_INSERTER = `projects/${PROJECT}/roles/fanpulse_rowInserter`;

/** The grants the manifest allows: exactly what each function does, nothing else. */
function grantsFromManifest(): Grant[] {
  const grants: Grant[] = [];
  for (const [name, f] of Object.entries(functionsExport().functions)) {
    const add = (role: string, on: string, target: string) =>
      grants.push({ function: name, role, on, target });
    add('roles/logging.logWriter', 'project', PROJECT);
    if (f.storage === 'read-write') add('roles/storage.objectUser', 'bucket', 'raw');
    if (f.storage === 'read') add('roles/storage.objectViewer', 'bucket', 'raw');
    if (f.warehouse === 'write') add(ROW_INSERTER, 'dataset', 'fanpulse');
    if (f.warehouse === 'read') add('roles/bigquery.dataViewer', 'dataset', 'fanpulse');
    if (f.queries) add('roles/bigquery.jobUser', 'project', PROJECT);
    if (f.queries && f.warehouse === 'write') add('roles/bigquery.dataViewer', 'dataset', 'fanpulse');
    for (const t of f.publishes) add('roles/pubsub.publisher', 'topic', t);
    for (const s of f.secrets) add('roles/secretmanager.secretAccessor', 'secret', s);
  }
  return grants;
}

const key = (g: Grant) => `${g.function} ${g.role} ${g.on}:${g.target}`;

/** functions/ files (TypeScript) under `dir`, recursively. */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('terraform: each function gets what the deploy manifest says it does, no more', () => {
  let tf: TerraformConfig;
  let tfEval: Evaluator;
  let computed: Record<string, Grant>;
  before(async () => {
    tf = await loadTerraform();
    tfEval = await evaluator(tf);
    [computed] = tfEval.evaluate({ project_id: PROJECT }, ['local.function_grants']) as [
      Record<string, Grant>,
    ];
  });
  after(() => tfEval.close());

  it('computes exactly the grants derived from the manifest', () => {
    const expected = grantsFromManifest();
    expect(Object.keys(computed).sort()).to.deep.equal(expected.map(key).sort());
    for (const g of expected) expect(computed[key(g)], key(g)).to.deep.equal(g);
    // The narrowing the manifest asks for: only the chatbot and the Spotify jobs (the
    // chatbot index snapshot) query; other job functions only stream rows; nobody gets
    // dataEditor or a project-wide BigQuery data role.
    const queriers = expected.filter((g) => g.role === 'roles/bigquery.jobUser').map((g) => g.function);
    expect([...queriers].sort()).to.deep.equal(['chatbot', 'spotifyJobs']);
    const roles = Object.values(computed).map((g) => g.role);
    expect(roles).not.to.include('roles/bigquery.dataEditor');
    for (const g of Object.values(computed)) {
      if (g.on === 'project') expect(['roles/logging.logWriter', 'roles/bigquery.jobUser']).to.include(g.role);
    }
  });

  it('lets only the code that queries BigQuery have query rights', async () => {
    // Warehouse.query callers outside the CLI (a laptop tool) and the adapters themselves.
    const callers: string[] = [];
    for (const file of await sources('functions')) {
      if (file.startsWith('functions/cli') || /functions\/platform\/warehouse[^/]*\.ts$/.test(file)) continue;
      if (/\bwarehouse\.query\(|\(\)\)\.query\(/.test(await readFile(file, 'utf8'))) callers.push(file);
    }
    expect(callers.length, 'someone queries').to.be.greaterThan(0);
    const exported = functionsExport().functions;
    const queriers = Object.values(exported).filter((f) => f.queries).map((f) => f.id);
    for (const file of callers) {
      expect(
        queriers.some((id) => file.includes(`/${id}/`)),
        `${file} queries BigQuery but its function has no query rights (manifest: queries)`,
      ).to.equal(true);
    }
  });

  it('streams rows with a custom role that can insert and nothing else', () => {
    const [permissions, roleName, roleId] = tfEval.evaluate({ project_id: PROJECT }, [
      'local.row_inserter_permissions',
      'local.row_inserter_role',
      'local.row_inserter_role_id',
    ]);
    // BigQuery's "legacy streaming API" page lists exactly these for tabledata.insertAll.
    expect(permissions).to.deep.equal([
      'bigquery.datasets.get',
      'bigquery.tables.get',
      'bigquery.tables.updateData',
    ]);
    expect(roleName).to.equal(ROW_INSERTER);
    expect(roleId).to.match(/^[a-zA-Z0-9_.]{3,64}$/);
    const role = resource(tf, 'google_project_iam_custom_role', 'row_inserter');
    expect(expr(role.role_id)).to.equal('local.row_inserter_role_id');
    expect(expr(role.permissions)).to.equal('local.row_inserter_permissions');
  });

  it('creates every grant to a function account from that table, on the matching target', () => {
    const byKind: Record<string, [string, string, string]> = {
      project: ['google_project_iam_member.fn', 'project', 'var.project_id'],
      bucket: ['google_storage_bucket_iam_member.fn_raw', 'bucket', 'google_storage_bucket.raw.name'],
      dataset: [
        'google_bigquery_dataset_iam_member.fn_warehouse',
        'dataset_id',
        'google_bigquery_dataset.this.dataset_id',
      ],
      topic: [
        'google_pubsub_topic_iam_member.fn_publisher',
        'topic',
        'google_pubsub_topic.jobs[each.value.target].name',
      ],
      secret: [
        'google_secret_manager_secret_iam_member.accessor',
        'secret_id',
        'google_secret_manager_secret.secret[each.value.target].secret_id',
      ],
    };
    const kinds = new Set(Object.values(computed).map((g) => g.on));
    expect([...kinds].sort()).to.deep.equal(Object.keys(byKind).sort());
    for (const [kind, [address, attribute, target]] of Object.entries(byKind)) {
      const [type, name] = address.split('.') as [string, string];
      const body = resource(tf, type, name);
      expect(expr(body.for_each), address).to.equal(
        `{ for k, g in local.function_grants : k => g if g.on == "${kind}" }`,
      );
      expect(expr(body.role), address).to.equal('each.value.role');
      expect(expr(body.member), address).to.equal(
        'google_service_account.fn[each.value.function].member',
      );
      expect(expr(body[attribute]), address).to.equal(target);
    }
    // No other resource grants anything to a function's account.
    const granting = allResources(tf)
      .filter(([, body]) => strings(body.member).some((s) => s.includes('google_service_account.fn[')))
      .map(([address]) => address);
    expect(granting.sort()).to.deep.equal(Object.values(byKind).map(([a]) => a).sort());
  });

  it('gives the build account what Google documents for a custom build account, narrowly', () => {
    const grants = allResources(tf)
      .filter(([, body]) => expr(body.member ?? '') === 'google_service_account.build.member')
      .map(([address, body]) => {
        const on =
          body.bucket !== undefined
            ? `bucket ${expr(body.bucket)}`
            : body.repository !== undefined
              ? `repository ${expr(body.repository)}`
              : `project${body.condition ? ` if ${String(only(body.condition).expression)}` : ''}`;
        return `${address}: ${String(body.role)} on ${on}`;
      });
    expect(grants.sort()).to.deep.equal([
      'google_artifact_registry_repository_iam_member.build_images: roles/artifactregistry.writer on repository google_artifact_registry_repository.functions.name',
      'google_project_iam_member.build_log_writer: roles/logging.logWriter on project',
      'google_project_iam_member.build_staged_source: roles/storage.objectViewer on project if resource.name.startsWith("projects/_/buckets/gcf-v2-sources-")',
      'google_storage_bucket_iam_member.build_source: roles/storage.objectViewer on bucket google_storage_bucket.source.name',
    ]);
    for (const [name, text] of tf.files) {
      expect(text, name).not.to.include('cloudbuild.builds.builder');
    }
    // The images go to that repository, not to a shared gcf-artifacts one.
    const build = only(resource(tf, 'google_cloudfunctions2_function', 'fn').build_config);
    expect(expr(build.docker_repository)).to.equal('google_artifact_registry_repository.functions.id');
    expect(expr(build.service_account)).to.equal('google_service_account.build.id');
  });

  it('lets the push identity invoke only the subscriber functions', () => {
    const grants = allResources(tf).filter(
      ([, body]) => expr(body.member ?? '') === 'google_service_account.pubsub_push.member',
    );
    expect(grants.map(([a]) => a).sort()).to.deep.equal([
      'google_cloud_run_v2_service_iam_member.push_invoker',
      'google_project_iam_member.pubsub_push_event_receiver',
    ]);
    const receiver = resource(tf, 'google_project_iam_member', 'pubsub_push_event_receiver');
    expect(expr(receiver.count)).to.equal('var.pubsub_delivery == "eventarc" ? 1 : 0');
  });
});
