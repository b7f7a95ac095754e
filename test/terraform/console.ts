// Evaluates the configuration's provider-free files (only `locals` and `variable` blocks:
// names.tf, access.tf, schedules.tf, ...) with Terraform itself, offline: they are copied
// with generated/ into a temporary module and `terraform console` prints the expressions.
// Real Terraform semantics (for expressions, merge, jsonencode, validations) without the
// Google provider.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TERRAFORM_DIR, type TerraformConfig } from './hcl.js';

/** Files that declare only locals and variables (no provider needed to evaluate them). */
export function providerFreeFiles(tf: TerraformConfig): string[] {
  return [...tf.sections]
    .filter(([, kinds]) => kinds.length > 0 && kinds.every((k) => k === 'locals' || k === 'variable'))
    .map(([name]) => name)
    .sort();
}

export interface Evaluator {
  /** Values of `jsonencode(<expression>)` for each expression, with these variables. */
  evaluate(variables: Record<string, unknown>, expressions: string[]): unknown[];
  /** Terraform's error output when these variables are refused (null when accepted). */
  refusal(variables: Record<string, unknown>): string | null;
  close(): Promise<void>;
}

function run(dir: string, variables: Record<string, unknown>, input: string) {
  const varFile = join(dir, `vars-${Math.random().toString(36).slice(2)}.tfvars.json`);
  writeFileSync(varFile, JSON.stringify(variables));
  const result = spawnSync('terraform', ['console', `-var-file=${varFile}`], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1', NO_COLOR: '1', TF_CLI_ARGS: '-no-color' },
  });
  if (result.error) throw result.error;
  return result;
}

/** `"..."` as terraform console prints a string (HCL escapes; `${` doubled). */
function unquote(line: string): string {
  return (JSON.parse(line) as string).replaceAll('$${', '${').replaceAll('%%{', '%{');
}

export async function evaluator(tf: TerraformConfig): Promise<Evaluator> {
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-tf-eval-'));
  for (const name of providerFreeFiles(tf)) await cp(join(TERRAFORM_DIR, name), join(dir, name));
  await cp(join(TERRAFORM_DIR, 'generated'), join(dir, 'generated'), { recursive: true });
  return {
    evaluate(variables, expressions) {
      // One expression per run: piped console prints only one result.
      const result = run(dir, variables, `jsonencode([${expressions.join(', ')}])\n`);
      const lines = result.stdout.split('\n').filter((l) => l.startsWith('"'));
      if (result.status !== 0 || lines.length !== 1) {
        throw new Error(`terraform console failed (${result.status}):\n${result.stderr}${result.stdout}`);
      }
      const values = JSON.parse(unquote(lines[0]!)) as unknown[];
      if (values.length !== expressions.length) throw new Error(`expected ${expressions.length} values`);
      return values;
    },
    refusal(variables) {
      // Validations run for the variables an expression reads.
      const names = Object.keys(variables).map((n) => `var.${n}`);
      const result = run(dir, variables, `jsonencode([${names.join(', ')}])\n`);
      const failed = result.status !== 0 || /\bError:/.test(result.stderr);
      // Terraform wraps its messages; one line reads better in assertions.
      return failed ? result.stderr.replace(/[\s│]+/g, " ") : null;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
