// Resumable upload of ciphertext (FORMAT.md section 7.1): a message goes up in chunks, each acknowledged with the
// server's offset. When a connection drops, the sender waits, asks the server for the acknowledged offset and goes on
// from there. The one other request of the form's script, asking for a returning source's case, goes the same way.

// An attachment's segment (4 MiB and its headers) goes up in one request: a Tor round trip costs seconds, and what
// a dropped request delivered is kept by the server anyway.
const CHUNK_SIZE = 8 << 20;
const MAX_ATTEMPTS = 12; // about three minutes of waiting in all: Tor may need that long for a new circuit
const RETRY_STATUSES = new Set([408, 423, 429, 500, 502, 503, 504]);

/** A refusal the server gave, or a connection that could not be restored: the upload cannot go on. */
export class SendFailed extends Error {
  constructor(reason) {
    super(`sending failed: ${reason}`);
    this.reason = reason;
  }
}

/**
 * Sends a message (a Uint8Array) as a new upload; resolves to the upload's id once every octet is acknowledged.
 * onAcknowledged(octets) tells how many more octets the server acknowledged.
 */
export async function sendMessage(message, formToken, onAcknowledged) {
  const id = await createUpload(formToken);
  let reported = 0;
  const acknowledge = (acknowledged) => {
    onAcknowledged(acknowledged - reported);
    reported = acknowledged;
  };
  for (let offset = 0; offset < message.length; offset += CHUNK_SIZE) {
    await sendChunk(id, offset, message.subarray(offset, offset + CHUNK_SIZE), acknowledge);
  }
  return id;
}

/**
 * Asks the server for a case for a source who wants to come back (FORMAT.md section 10.3): resolves to
 * {case, receipt, key}. Retried like an upload; a case whose answer was lost is deleted by the server after a day.
 */
export async function openCase(formToken) {
  const body = new URLSearchParams({ 'form-token': formToken });
  return withRetries(() => request('/api/cases', { method: 'POST', body }));
}

async function createUpload(formToken) {
  const body = new URLSearchParams({ 'form-token': formToken });
  const answer = await withRetries(() => request('/api/uploads', { method: 'POST', body }));
  return answer.id;
}

/** Sends one chunk, resuming from the server's offset until all of it is acknowledged. */
async function sendChunk(id, offset, chunk, onAcknowledged) {
  const end = offset + chunk.length;
  let acknowledged = offset;
  while (acknowledged < end) {
    const from = acknowledged;
    const answer = await withRetries(
      () => request(`/api/uploads/${id}?offset=${from}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: chunk.subarray(from - offset),
      }),
      // After a failure the server may hold part of the chunk: ask how far it got.
      async () => { acknowledged = (await request(`/api/uploads/${id}`, { method: 'GET' })).offset; },
      () => acknowledged >= end,
    );
    if (answer) acknowledged = answer.offset;
    if (acknowledged < offset || acknowledged > end) throw new SendFailed('offset');
    onAcknowledged(acknowledged);
  }
}

/**
 * Runs `attempt` until it answers; on a dropped connection or a temporary refusal it waits, runs `resync` and
 * tries again, unless `done` says the work is already done. A refusal for good ends it with SendFailed.
 */
async function withRetries(attempt, resync = async () => {}, done = () => false) {
  for (let failures = 0; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Retry)) throw error;
      if (failures + 1 >= MAX_ATTEMPTS) throw new SendFailed('network');
    }
    await sleep(Math.min(1000 * 2 ** failures, 20000));
    try {
      await resync();
    } catch (error) {
      if (!(error instanceof Retry)) throw error;
      continue;
    }
    if (done()) return null;
  }
}

class Retry extends Error {}

/** One request; its JSON answer, or 409's offset, or Retry / SendFailed. */
async function request(url, init) {
  let response;
  try {
    response = await fetch(url, { ...init, cache: 'no-store', credentials: 'omit', redirect: 'error' });
  } catch (networkError) {
    throw new Retry(String(networkError));
  }
  const answer = await response.json().catch(() => ({}));
  if (response.ok || (response.status === 409 && typeof answer.offset === 'number')) return answer;
  if (RETRY_STATUSES.has(response.status)) throw new Retry(String(response.status));
  throw new SendFailed(answer.error || String(response.status));
}

function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
