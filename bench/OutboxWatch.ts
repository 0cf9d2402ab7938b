import pg from 'pg';

/** Reads the outbox of the bench database: replies sent so far, and waits for the rest. */
export class OutboxWatch {
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl: string): Promise<OutboxWatch> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new OutboxWatch(client);
  }

  private async count(status: 'sent' | 'pending'): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "OutboxMessage" WHERE "status" = $1 AND "channel" = 'sms'`,
      [status],
    );
    return Number(rows[0]?.n ?? 0);
  }

  sent(): Promise<number> {
    return this.count('sent');
  }

  /** Waits until every SMS reply went out, so the next round starts with idle workers; returns what is left. */
  async drained(timeoutMs = 120_000, pollMs = 250): Promise<number> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.count('pending');
      if (pending === 0 || Date.now() > until) return pending;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
