// The provider schema check (`npm run check:provider-schema`, provider-schema.ts) reads the
// prebuilt CDKTF bindings. Here it runs offline on a binding written the way cdktf-provider
// generates them, and on this configuration's own resource list.
import { expect } from 'chai';
import { parse } from '@cdktf/hcl2json';
import { loadTerraform, only, type Block } from './hcl.js';
import { bindingOf, BINDING_VERSIONS, checkBody, parseBinding, targets } from './provider-schema.js';

// A trimmed google_pubsub_subscription binding, in the generator's layout.
const JS = `"use strict";
function pubsubSubscriptionPushConfigOidcTokenToTerraform(struct) {
    if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) {
        return struct;
    }
    return {
        audience: cdktf.stringToTerraform(struct.audience),
        service_account_email: cdktf.stringToTerraform(struct.serviceAccountEmail),
    };
}
function pubsubSubscriptionPushConfigToTerraform(struct) {
    return {
        push_endpoint: cdktf.stringToTerraform(struct.pushEndpoint),
        oidc_token: pubsubSubscriptionPushConfigOidcTokenToTerraform(struct.oidcToken),
    };
}
function pubsubSubscriptionPushConfigToHclTerraform(struct) {
    const attrs = {
        push_endpoint: {
            value: cdktf.stringToHclTerraform(struct.pushEndpoint),
        },
    };
}
class PubsubSubscription extends cdktf.TerraformResource {
    synthesizeAttributes() {
        return {
            labels: cdktf.hashMapper(cdktf.stringToTerraform)(this._labels),
            name: cdktf.stringToTerraform(this._name),
            topic: cdktf.stringToTerraform(this._topic),
            push_config: pubsubSubscriptionPushConfigToTerraform(this._pushConfig.internalValue),
            retry_policy: cdktf.listMapper(pubsubSubscriptionRetryPolicyToTerraform, true)(this._retryPolicy.internalValue),
        };
    }
    synthesizeHclAttributes() {
        const attrs = {
            name: {
                value: cdktf.stringToHclTerraform(this._name),
            },
        };
    }
}
function pubsubSubscriptionRetryPolicyToTerraform(struct) {
    return {
        minimum_backoff: cdktf.stringToTerraform(struct.minimumBackoff),
    };
}
`;

const DTS = `export interface PubsubSubscriptionConfig extends cdktf.TerraformMetaArguments {
    /**
    * Docs {@link https://example PubsubSubscription#name}
    */
    readonly labels?: {
        [key: string]: string;
    };
    readonly name: string;
    readonly topic: string;
    readonly pushConfig?: PubsubSubscriptionPushConfig;
}
export interface PubsubSubscriptionPushConfig {
    readonly pushEndpoint: string;
    readonly oidcToken?: PubsubSubscriptionPushConfigOidcToken;
}
export interface PubsubSubscriptionPushConfigOidcToken {
    readonly audience?: string;
    readonly serviceAccountEmail: string;
}
`;

async function body(hcl: string): Promise<Block> {
  const json = (await parse('x.tf', hcl)) as { resource: Record<string, Record<string, unknown>> };
  return only(json.resource.google_pubsub_subscription!.s);
}

describe('provider schema check (CDKTF bindings)', () => {
  const binding = parseBinding(JS, DTS);

  it('reads arguments, nested blocks and required arguments from a binding', () => {
    expect([...binding.root.arguments.keys()]).to.deep.equal([
      'labels',
      'name',
      'topic',
      'push_config',
      'retry_policy',
    ]);
    expect(binding.root.arguments.get('push_config')).to.equal('pubsubSubscriptionPushConfig');
    expect(binding.root.arguments.get('retry_policy')).to.equal('pubsubSubscriptionRetryPolicy');
    expect(binding.root.arguments.get('labels')).to.equal(null);
    expect([...binding.root.required].sort()).to.deep.equal(['name', 'topic']);
    const oidc = binding.structs.get('pubsubSubscriptionPushConfigOidcToken')!;
    expect([...oidc.required]).to.deep.equal(['service_account_email']);
  });

  it('accepts a valid body, with map attributes and dynamic blocks', async () => {
    const ok = await body(`resource "google_pubsub_subscription" "s" {
      for_each = {}
      name   = "a"
      topic  = "t"
      labels = { team = "data" }
      push_config {
        push_endpoint = "https://x"
        oidc_token {
          service_account_email = "a@b"
        }
      }
      dynamic "retry_policy" {
        for_each = [1]
        content {
          minimum_backoff = "10s"
        }
      }
      depends_on = []
    }`);
    expect(checkBody(ok, binding.root, binding, 's')).to.deep.equal([]);
  });

  it('names unknown arguments, blocks used wrongly and missing required arguments', async () => {
    const bad = await body(`resource "google_pubsub_subscription" "s" {
      name  = "a"
      topc  = "t"
      push_config {
        push_endpoint = "https://x"
        oidc_token {
          audience = "x"
        }
      }
      dynamic "retry_policy" {
        for_each = [1]
        content {
          maximum_backoff = "600s"
        }
      }
    }`);
    expect(checkBody(bad, binding.root, binding, 's').sort()).to.deep.equal([
      's.dynamic.retry_policy: unknown argument maximum_backoff',
      's.push_config.oidc_token: missing required argument service_account_email',
      's: missing required argument topic',
      's: unknown argument topc',
    ]);
  });

  it('knows where the binding of every resource type of this configuration lives', async () => {
    const tf = await loadTerraform();
    const list = targets(tf);
    expect(list.length).to.be.greaterThan(40);
    for (const t of list) expect(BINDING_VERSIONS, t.address).to.have.property(t.pkg);
    expect(bindingOf('resource', 'google_cloudfunctions2_function')).to.deep.equal({
      pkg: '@cdktf/provider-google',
      dir: 'cloudfunctions2-function',
    });
    expect(bindingOf('resource', 'google_project_service_identity', 'google-beta')).to.deep.equal({
      pkg: '@cdktf/provider-google-beta',
      dir: 'google-project-service-identity',
    });
    expect(bindingOf('resource', 'time_sleep')).to.deep.equal({ pkg: '@cdktf/provider-time', dir: 'sleep' });
    expect(bindingOf('data', 'archive_file')).to.deep.equal({
      pkg: '@cdktf/provider-archive',
      dir: 'data-archive-file',
    });
  });
});
