// One job run in its own process, as one function instance runs it: the parent test kills
// it with SIGKILL mid-run (the function timeout) and starts another for the redelivery.
// argv: <job message JSON> <run id> <run time ISO>; prints the summary as one JSON line.
import { runJobMessage } from '../../functions/core/runner.js';
import { catalog } from '../../functions/sources/all.js';
import { createServices } from '../../functions/platform/runtime.js';

const [message = '{}', runId = 'child-run', runTime = new Date().toISOString()] =
  process.argv.slice(2);
const services = createServices({ sink: () => undefined });
const summary = await runJobMessage(catalog, services, JSON.parse(message), {
  runId,
  runTime: new Date(runTime),
});
await services.close();
process.stdout.write(
  JSON.stringify({ summary: { outcome: summary.outcome, error: summary.error } }) + '\n',
);
