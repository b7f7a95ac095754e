// A no-op HTTP function for the chatbot benchmark: served by the same functions-framework
// CLI (FUNCTION_SOURCE=this file), it answers a small JSON without any work, so its
// latency at the same request rate is the floor the framework and loopback impose.
import { http } from '@google-cloud/functions-framework';

http('noop', (_req, res) => {
  res.status(200).json({ ok: true });
});
