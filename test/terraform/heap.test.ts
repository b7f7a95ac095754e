// The job functions' V8 heap flags follow from their memory, one setting: the deploy manifest
// gives each function its memory and the policy (functions/deploy/heap.ts), Terraform
// computes NODE_OPTIONS from whatever memory an environment ends up with. Terraform itself
// evaluates sizing.tf here, so the two formulas cannot drift apart.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { memoryMiB, nodeOptionsFor } from '../../functions/deploy/heap.js';
import { deployFunctions, functionsExport } from '../../functions/deploy/manifest.js';
import { evaluator, type Evaluator } from './console.js';
import { expr, loadTerraform, type TerraformConfig } from './hcl.js';

const BASE = { project_id: 'my-project', prefix: 'fanpulse-' };

describe('terraform: V8 heap settings from the function memory', () => {
  let tf: TerraformConfig;
  let tfEval: Evaluator;
  before(async () => {
    tf = await loadTerraform();
    tfEval = await evaluator(tf);
  });
  after(() => tfEval.close());

  it('reads memory as Cloud Functions writes it', () => {
    expect(memoryMiB('512Mi')).to.equal(512);
    expect(memoryMiB('2Gi')).to.equal(2048);
    expect(() => memoryMiB('1G')).to.throw(/512Mi or 1Gi/);
    expect(nodeOptionsFor('1Gi')).to.match(/^--max-old-space-size=\d+ --max-semi-space-size=\d+$/);
  });

  it('gives each function the manifest memory and the job functions its NODE_OPTIONS', () => {
    const [settings, options] = tfEval.evaluate(BASE, [
      'local.function_settings',
      'local.function_node_options',
    ]) as [Record<string, { memory: string }>, Record<string, string>];
    const list = deployFunctions();
    for (const f of list) expect(settings[f.entryPoint]?.memory, f.entryPoint).to.equal(f.memory);
    const expected = Object.fromEntries(
      list.filter((f) => f.nodeOptions !== null).map((f) => [f.entryPoint, f.nodeOptions]),
    );
    expect(options).to.deep.equal(expected);
    // Every job function has them, the webhooks keep V8's defaults.
    expect(Object.keys(expected).sort()).to.deep.equal(
      list.filter((f) => f.kind === 'pubsub').map((f) => f.entryPoint).sort(),
    );
    expect(functionsExport().functions.spotifyJobs?.node_options).to.equal(nodeOptionsFor('1Gi'));
  });

  it('recomputes them for the memory an environment sets', () => {
    const overrides = { spotifyJobs: { memory: '2Gi' }, instagramJobs: { memory: '768Mi' } };
    const [options] = tfEval.evaluate({ ...BASE, function_settings: overrides }, [
      'local.function_node_options',
    ]) as [Record<string, string>];
    expect(options.spotifyJobs).to.equal(nodeOptionsFor('2Gi'));
    expect(options.instagramJobs).to.equal(nodeOptionsFor('768Mi'));
    expect(options.spotifyJobs).not.to.equal(nodeOptionsFor('1Gi'));
  });

  it('puts them in the job functions’ environment, where an environment may still override', () => {
    const env = expr((tf.locals as Record<string, unknown>).function_env);
    expect(env).to.include('{ NODE_OPTIONS = local.function_node_options[k] }');
    // Settings from function_settings.<name>.env come last and win.
    expect(env.indexOf('NODE_OPTIONS')).to.be.lessThan(env.indexOf('var.function_settings[k].env'));
  });

  it('are flags Node accepts in NODE_OPTIONS, and they set the heap', () => {
    const options = nodeOptionsFor('1Gi');
    const child = spawnSync(
      process.execPath,
      ['-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit)'],
      { env: { ...process.env, NODE_OPTIONS: options }, encoding: 'utf8' },
    );
    expect(child.status, child.stderr).to.equal(0);
    const limit = Number(child.stdout.trim());
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(options)![1]) * 2 ** 20;
    expect(limit).to.be.greaterThan(oldSpace);
    // The young generation is capped too (V8's default allows 3 x 64 MiB in Node 24).
    expect(limit - oldSpace).to.be.lessThan(64 * 2 ** 20);
  });
});
