// A minimal Bayeux long-polling client for Salesforce's Streaming API (/cometd/<version>): handshake,
// subscribe with the replay extension, connect loop, and a fresh handshake (resubscribing after the
// last replay id received) when the server advises it. Cookies (BAYEUX_BROWSER) ride along by
// themselves because the endpoint is same-origin.

export interface BayeuxMessage {
  channel: string;
  id?: string;
  clientId?: string;
  successful?: boolean;
  error?: string;
  subscription?: string;
  advice?: { reconnect?: 'retry' | 'handshake' | 'none'; interval?: number; timeout?: number };
  data?: unknown;
  ext?: Record<string, unknown>;
}

export type MessageListener = (message: BayeuxMessage) => void;

interface ChannelState {
  replayId: number;
  listeners: Set<MessageListener>;
}

const RETRY_DELAY_MS = 2000;

function eventReplayId(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null || !('event' in data)) return undefined;
  const event = data.event;
  if (typeof event !== 'object' || event === null || !('replayId' in event)) return undefined;
  const replayId = event.replayId;
  return typeof replayId === 'number' ? replayId : undefined;
}

export class CometdClient {
  private readonly url: string;
  private readonly onFailure: (error: unknown) => void;
  private clientId: string | undefined;
  private handshaking: Promise<string> | undefined;
  private readonly channels = new Map<string, ChannelState>();
  private nextId = 0;
  private polling = false;
  private stopped = false;

  constructor(url: string, onFailure: (error: unknown) => void) {
    this.url = url;
    this.onFailure = onFailure;
  }

  private async send(messages: ({ channel: string } & Record<string, unknown>)[]): Promise<BayeuxMessage[]> {
    const batch = messages.map((message) => ({ ...message, id: String(++this.nextId) }));
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(batch),
    });
    if (!response.ok) throw new Error(`Streaming API answered ${response.status} ${response.statusText}`);
    return (await response.json()) as BayeuxMessage[];
  }

  private reply(answers: BayeuxMessage[], channel: string): BayeuxMessage {
    const reply = answers.find((answer) => answer.channel === channel);
    if (reply === undefined) throw new Error(`Streaming API sent no ${channel} reply`);
    return reply;
  }

  private handshake(): Promise<string> {
    this.handshaking ??= (async () => {
      try {
        const answers = await this.send([
          {
            channel: '/meta/handshake',
            version: '1.0',
            supportedConnectionTypes: ['long-polling'],
            ext: { replay: true },
          },
        ]);
        const reply = this.reply(answers, '/meta/handshake');
        if (reply.successful !== true || reply.clientId === undefined)
          throw new Error(`Streaming API handshake failed: ${reply.error ?? 'no client id'}`);
        this.clientId = reply.clientId;
        return reply.clientId;
      } finally {
        this.handshaking = undefined;
      }
    })();
    return this.handshaking;
  }

  private async subscribeOnServer(clientId: string, channel: string, replayId: number): Promise<void> {
    const answers = await this.send([
      {
        channel: '/meta/subscribe',
        clientId,
        subscription: channel,
        ext: { replay: { [channel]: replayId } },
      },
    ]);
    const reply = this.reply(answers, '/meta/subscribe');
    if (reply.successful !== true) throw new Error(reply.error ?? `subscription to ${channel} failed`);
  }

  async subscribe(channel: string, replayId: number, listener: MessageListener): Promise<void> {
    this.stopped = false;
    const clientId = this.clientId ?? (await this.handshake());
    const state = this.channels.get(channel);
    if (state === undefined) {
      await this.subscribeOnServer(clientId, channel, replayId);
      this.channels.set(channel, { replayId, listeners: new Set([listener]) });
    } else {
      state.listeners.add(listener);
    }
    this.startPolling();
  }

  async unsubscribe(channel: string, listener: MessageListener): Promise<void> {
    const state = this.channels.get(channel);
    if (state === undefined) return;
    state.listeners.delete(listener);
    if (state.listeners.size > 0) return;
    this.channels.delete(channel);
    if (this.clientId !== undefined)
      await this.send([{ channel: '/meta/unsubscribe', clientId: this.clientId, subscription: channel }]);
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    void this.poll();
  }

  private deliver(message: BayeuxMessage): void {
    const state = this.channels.get(message.channel);
    if (state === undefined) return;
    const replayId = eventReplayId(message.data);
    if (replayId !== undefined) state.replayId = replayId;
    for (const listener of state.listeners) listener(message);
  }

  /** After the server forgot the client: a new handshake, each channel resumed after its last event. */
  private async rehandshake(): Promise<void> {
    this.clientId = undefined;
    const clientId = await this.handshake();
    for (const [channel, state] of this.channels)
      await this.subscribeOnServer(clientId, channel, state.replayId);
  }

  private async poll(): Promise<void> {
    while (!this.stopped && this.channels.size > 0) {
      try {
        const clientId = this.clientId ?? (await this.handshake());
        const answers = await this.send([
          { channel: '/meta/connect', clientId, connectionType: 'long-polling' },
        ]);
        for (const message of answers) if (!message.channel.startsWith('/meta/')) this.deliver(message);
        const reply = this.reply(answers, '/meta/connect');
        if (reply.successful !== true) {
          if (reply.advice?.reconnect === 'none') throw new Error(reply.error ?? 'Streaming API refused');
          await this.rehandshake();
        }
      } catch (error) {
        this.onFailure(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        this.clientId = undefined;
        await this.rehandshake().catch((rehandshakeError: unknown) => {
          this.onFailure(rehandshakeError);
        });
      }
    }
    this.polling = false;
  }
}
