// `fanpulse chat [--platform kakao|messenger] <text>`: prints, as JSON, the reply the chatbot
// would send for a message, answered from the local warehouse (and a live Spotify search
// for unknown artists, unless --offline).
import type { Command } from 'commander';
import { kakaoResponse } from '../faces/chatbot/kakao.js';
import { messengerMessages } from '../faces/chatbot/messenger-format.js';
import { sendApiBody } from '../faces/chatbot/messenger-send.js';
import { realTimer, type Timer } from '../faces/chatbot/engine.js';
import { createChatRuntime } from '../faces/chatbot/runtime.js';
import { createServices } from '../platform/runtime.js';
import { catalog } from '../sources/all.js';
import { UsageError } from './errors.js';
import { requireExistingWarehouse } from './existing-warehouse.js';
import { cliLogSink } from './log-sink.js';

interface ChatOptions {
  platform: string;
  offline?: boolean;
  artistId?: string;
  recipient: string;
}

export async function chatCommand(words: string[], options: ChatOptions): Promise<unknown> {
  if (options.platform !== 'kakao' && options.platform !== 'messenger')
    throw new UsageError(`--platform must be kakao or messenger, not "${options.platform}"`);
  const services = createServices({ sink: cliLogSink(), schema: catalog.schema });
  requireExistingWarehouse(services.config);
  try {
    // No chat platform is waiting here: the CLI always waits for the index.
    const timer: Timer = (ms, kind, signal) =>
      kind === 'index' ? new Promise(() => undefined) : realTimer(ms, kind, signal);
    const rt = createChatRuntime(services, {
      timer,
      ...(options.offline ? { liveSearch: null } : {}),
    });
    const reply = await rt.engine.answer({
      text: words.join(' '),
      artistId: options.artistId ?? null,
    });
    if (options.platform === 'kakao') return kakaoResponse(reply, rt.config.languageKakao, null);
    return messengerMessages(reply, rt.config.languageMessenger).map((message) =>
      sendApiBody(options.recipient, message),
    );
  } finally {
    await services.close();
  }
}

export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description('print, as JSON, the reply the chatbot would send for a message (local warehouse)')
    .argument('<text...>', 'the message, e.g. an artist name')
    .option(
      '--platform <platform>',
      'kakao (skill response 2.0) or messenger (Send API bodies)',
      'kakao',
    )
    .option('--offline', 'no live Spotify search for artists the warehouse does not know')
    .option('--artist-id <id>', 'answer as if the suggestion of this artist id was tapped')
    .option('--recipient <psid>', 'Messenger recipient id shown in the Send API bodies', 'PSID')
    .action(async (words: string[], options: ChatOptions) => {
      const out = await chatCommand(words, options);
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    });
}
