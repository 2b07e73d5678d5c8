// Progressive enhancement of the questionnaire: with this script the answers and files are encrypted in the browser
// and only ciphertext is sent (FORMAT.md section 7.1). Without it the same form posts to /submit and the server
// encrypts. Once this script runs it never lets the form post plaintext: any failure stops with a message.
// Every text shown comes from the page (data-* attributes of #browser-encryption), in the page's language.

import {
  KeyMismatch, ciphertextSizeBound, encryptBytes, encryptedSegments, officeKey, paddedSize, testimonyDocument,
} from './encrypt.mjs';
import { SendFailed, openCase, sendMessage } from './upload.mjs';
import { UnreadablePhoto, withoutPhotoMetadata } from './photo-metadata.mjs';
import { UnreadableMedia, withoutMediaMetadata } from './media-metadata.mjs';

const form = document.querySelector('form[data-fingerprint]');
const panel = document.getElementById('browser-encryption');
if (form && panel) enhance(form, panel);

/** A problem shown to the source by its message key. */
class Problem extends Error {
  constructor(key) {
    super(key);
    this.key = key;
  }
}

function enhance(form, panel) {
  const status = panel.querySelector('[role=status]');
  const alert = panel.querySelector('[role=alert]');
  const sendButton = form.querySelector('button[type=submit]');
  let sending = false;

  const show = (element, text) => { element.textContent = text; element.hidden = !text; };
  const message = (key) => panel.dataset[camelCase(key)] || panel.dataset.notSent;

  if (!canEncrypt()) {
    form.addEventListener('submit', (event) => event.preventDefault());
    refuse(message('cannot-encrypt'), true);
    return;
  }
  panel.hidden = false;
  for (const id of ['server-encryption-note', 'server-metadata-note']) document.getElementById(id).hidden = true;
  // Warn at once, not only when the source presses Send; other failures are told when sending.
  officeKey(form.dataset.fingerprint).catch((error) => error instanceof KeyMismatch && failed(error));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    sendButton.disabled = true;
    show(alert, '');
    try {
      const finish = await encryptAndSend();
      show(status, message('finishing'));
      finish.submit();
    } catch (error) {
      failed(error);
      sending = false;
      sendButton.disabled = false;
    }
  });

  function failed(error) {
    if (error instanceof KeyMismatch) {
      refuse(message('key-mismatch'), false);
      return;
    }
    const key = error instanceof Problem ? error.key
      : error instanceof UnreadablePhoto || error instanceof UnreadableMedia ? 'photo-unreadable'
        : error instanceof SendFailed ? (error.reason === 'too-large' ? 'attachment-too-large' : 'network')
          : 'cannot-encrypt';
    show(status, '');
    show(alert, `${message('not-sent')} ${message(key)}`);
    if (key === 'cannot-encrypt') alert.append(' ', noScriptLink());
  }

  /** Stops for good: the form stays on screen but cannot be sent from this page. */
  function refuse(text, offerNoScript) {
    panel.hidden = false;
    show(status, '');
    show(alert, text);
    if (offerNoScript) alert.append(' ', noScriptLink());
    sendButton.disabled = true;
  }

  function noScriptLink() {
    const link = document.createElement('a');
    link.href = panel.dataset.noScriptHref;
    link.textContent = message('use-no-script');
    return link;
  }

  async function encryptAndSend() {
    const token = form.elements['form-token'].value;
    const key = await officeKey(form.dataset.fingerprint);
    const files = [...form.querySelectorAll('input[type=file]')].flatMap((input) => [...input.files]);
    if (files.length > Number(form.dataset.maxAttachments)) throw new Problem('too-many-attachments');
    const keepMetadata = form.elements['keep-metadata'].checked;
    const plaintexts = [];
    for (const file of files) {
      show(status, message('cleaning'));
      const blob = keepMetadata ? file : await withoutMediaMetadata(await withoutPhotoMetadata(file));
      if (ciphertextSizeBound(paddedSize(blob.size)) > Number(form.dataset.maxAttachmentBytes)) {
        throw new Problem('attachment-too-large');
      }
      plaintexts.push(blob);
    }
    const progress = new Progress(panel, plaintexts.reduce((sum, blob) => sum + paddedSize(blob.size), 0));
    show(status, message('encrypting'));

    const attachments = [];
    const uploads = []; // [field name, upload id] as the finishing form names them
    for (const [index, blob] of plaintexts.entries()) {
      const part = index + 1;
      const segments = [];
      let sending = Promise.resolve();
      for await (const segment of encryptedSegments(blob, key)) {
        progress.encrypted(segment.plaintextLength);
        segments.push(segment.sha256);
        const field = `attachment-${part}-${segments.length}`;
        await sending; // one segment goes up while the next one is encrypted, and no further ahead
        sending = sendMessage(segment.message, token, (octets) => progress.sent(octets))
          .then((id) => uploads.push([field, id]));
      }
      await sending;
      attachments.push({
        part,
        name: limited(files[index].name) || `attachment-${part}`,
        mediaType: limited(files[index].type) || 'application/octet-stream',
        size: blob.size,
        segments,
      });
    }
    // A source who wants to come back gets a case now, as late as possible: an unclaimed case lasts only a day.
    // The receipt goes back with the finishing form, and the server shows it once the testimony is stored.
    const returning = form.elements.returning?.checked ? await openCase(token) : null;
    const document = testimonyDocument({
      language: form.dataset.language, answers: answers(form), attachments,
      reply: returning ? { case: returning.case, key: returning.key } : undefined,
    });
    const testimony = await sendMessage(await encryptBytes(document, key), token, () => {});
    progress.done();
    const opened = returning ? [['case', returning.case], ['receipt', returning.receipt]] : [];
    return finishingForm([['form-token', token], ...opened, ['testimony', testimony], ...uploads]);
  }

  /** The last request: a plain form post naming the finished uploads; the server answers with the next page. */
  function finishingForm(fields) {
    const finish = document.createElement('form');
    finish.method = 'post';
    finish.enctype = 'multipart/form-data';
    finish.action = form.dataset.finish;
    finish.hidden = true;
    for (const [name, value] of fields) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      finish.append(input);
    }
    document.body.append(finish);
    return finish;
  }
}

/** The answers in questionnaire order with their questions as shown (FORMAT.md section 4); blank ones left out. */
function answers(form) {
  const data = new FormData(form);
  const result = [];
  for (const question of form.querySelectorAll('[data-question]')) {
    const id = question.dataset.question;
    const values = data.getAll(id).map((value) => String(value).replace(/\r\n/g, '\n')).filter((v) => v.trim());
    if (values.length === 0) continue;
    const choices = question.tagName === 'FIELDSET';
    result.push({ id, label: question.dataset.label, value: choices ? values : values[0] });
  }
  return result;
}

/** Two progress bars: plaintext encrypted, and ciphertext acknowledged by the server. */
class Progress {
  #encrypted = 0;
  #sent = 0;

  constructor(panel, total) {
    this.total = Math.max(total, 1);
    this.bars = panel.querySelectorAll('progress');
    for (const bar of this.bars) {
      bar.max = this.total;
      bar.value = 0;
      bar.closest('[hidden]')?.removeAttribute('hidden');
    }
  }

  encrypted(octets) {
    this.#encrypted += octets;
    this.bars[0].value = Math.min(this.#encrypted, this.total);
  }

  sent(octets) {
    this.#sent += octets;
    this.bars[1].value = Math.min(this.#sent, this.total);
  }

  done() {
    for (const bar of this.bars) bar.value = this.total;
  }
}

function canEncrypt() {
  return Boolean(window.crypto?.subtle && window.ReadableStream && window.TextEncoder && Blob.prototype.stream);
}

/** At most 255 code points, as the format allows for names and media types. */
function limited(text) {
  return [...text].slice(0, 255).join('');
}

function camelCase(key) {
  return key.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
}
