// Cloud Scheduler jobs come from the job catalogue unless an environment overrides them
// (var.schedule_overrides). schedules.tf is evaluated by Terraform itself (terraform
// console): without overrides it must reproduce the catalogue exactly; with them, change
// only what they say, into messages the job still accepts.
import { expect } from 'chai';
import { schedulesExport } from '../../functions/deploy/terraform-exports.js';
import { catalog as jobCatalog } from '../../functions/sources/all.js';
import { evaluator, type Evaluator } from './console.js';
import { loadTerraform, parseHclFile, type TerraformConfig } from './hcl.js';

interface ScheduledJob {
  job: string;
  topic: string;
  cron: string;
  time_zone: string;
  paused: boolean;
  message: string;
  attributes: Record<string, string>;
}

const PROJECT = 'my-project-123';

describe('terraform: schedules from the catalogue, overridable per environment', () => {
  let tf: TerraformConfig;
  let tfEval: Evaluator;
  const scheduled = (variables: Record<string, unknown>) =>
    tfEval.evaluate({ project_id: PROJECT, ...variables }, [
      'local.scheduled_jobs',
      'local.scheduler_job_names',
      'local.unknown_schedule_overrides',
    ]) as [Record<string, ScheduledJob>, Record<string, string>, string[]];
  before(async () => {
    tf = await loadTerraform();
    tfEval = await evaluator(tf);
  });
  after(() => tfEval.close());

  it('schedules exactly the catalogue by default: cron, time zone, message, topic', () => {
    const [jobs, names, unknown] = scheduled({ prefix: 'prod-' });
    const catalogue = schedulesExport().schedules;
    expect(Object.keys(jobs).sort()).to.deep.equal(catalogue.map((s) => s.id).sort());
    for (const s of catalogue) {
      expect(jobs[s.id], s.id).to.deep.include({
        job: s.job,
        topic: s.topic,
        cron: s.cron,
        time_zone: s.timeZone,
        paused: false,
        message: s.message,
        attributes: s.attributes,
      });
      expect(names[s.id]).to.equal(`prod-${s.id}`);
    }
    expect(unknown).to.deep.equal([]);
    const [paused] = scheduled({ schedules_paused: true });
    for (const job of Object.values(paused)) expect(job.paused).to.equal(true);
  });

  it('changes a cron, merges params, pauses one and drops another, for one environment', () => {
    const [shows, episodes, catalog, brands] = [
      'spotify-podcast-shows-daily',
      'spotify-podcast-episodes-daily',
      'spotify-artist-catalog-daily',
      'instagram-brands-hourly',
    ];
    const [jobs, names] = scheduled({
      prefix: 'staging-',
      schedule_overrides: {
        [shows]: { cron: '15 8 * * 1', time_zone: 'UTC', params: { term: 'data science' } },
        [episodes]: { paused: true },
        [catalog]: { enabled: false },
      },
    });
    expect(jobs).not.to.have.property(catalog);
    expect(names).not.to.have.property(catalog);
    expect(jobs[shows]).to.deep.include({ cron: '15 8 * * 1', time_zone: 'UTC', paused: false });
    // Overridden params are merged over the catalogue's, and the job still accepts them.
    const message = JSON.parse(jobs[shows]!.message) as { job: string; params: unknown };
    expect(message).to.deep.equal({
      job: 'spotify.podcast_shows',
      params: { term: 'data science', limit: 50 },
    });
    expect(() => jobCatalog.findJob(message.job)!.params.parse(message.params)).not.to.throw();
    expect(jobs[episodes]!.paused).to.equal(true);
    const original = schedulesExport().schedules.find((s) => s.id === episodes)!;
    expect(jobs[episodes]!.message).to.equal(original.message);
    expect(jobs[brands]!.cron).to.equal(jobCatalog.schedules().find((s) => s.id === brands)!.cron);
  });

  it('refuses overrides of no schedule, unknown settings and malformed crons', () => {
    const [, , unknown] = scheduled({ schedule_overrides: { 'spotify-typo-daily': { paused: true } } });
    // The scheduler resource's precondition fails on these (scheduler.tf).
    expect(unknown).to.deep.equal(['spotify-typo-daily']);
    expect(
      tfEval.refusal({
        project_id: PROJECT,
        schedule_overrides: { 'instagram-brands-hourly': { crn: '0 * * * *' } },
      }),
    ).to.include('only cron, time_zone, params, paused and enabled');
    expect(
      tfEval.refusal({
        project_id: PROJECT,
        schedule_overrides: { 'instagram-brands-hourly': { cron: '0 * * *' } },
      }),
    ).to.include('five fields');
    expect(
      tfEval.refusal({
        project_id: PROJECT,
        schedule_overrides: { 'instagram-brands-hourly': { cron: '0 */2 * * *', params: {} } },
      }),
    ).to.equal(null);
  });

  it('shows an override in the tfvars example that names a real schedule', async () => {
    const example = await parseHclFile('terraform/terraform.tfvars.example');
    const overrides = example.schedule_overrides as Record<string, Record<string, unknown>>;
    const ids = schedulesExport().schedules.map((s) => s.id);
    expect(Object.keys(overrides).length).to.be.greaterThan(0);
    for (const id of Object.keys(overrides)) expect(ids, id).to.include(id);
    const [jobs, , unknown] = scheduled({ schedule_overrides: overrides });
    expect(unknown).to.deep.equal([]);
    for (const job of Object.values(jobs)) {
      const message = JSON.parse(job.message) as { job: string; params: unknown };
      expect(() => jobCatalog.findJob(message.job)!.params.parse(message.params), job.job).not.to.throw();
    }
  });
});
