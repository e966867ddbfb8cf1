/**
 * Secrets kept out of text from outside (CloudAgent's answers, and the alerts that quote them): each
 * secret in every form it may come back in, replaced in one pass. Pure.
 */

/**
 * A secret is redacted by its value only from this length on. A shorter one cannot be told apart from
 * ordinary words: password "a" would garble "Basic realm" into "B[redacted]sic re[redacted]lm", and the
 * gaps would show the password to anyone reading. Short secrets are kept out of text in the first place
 * instead: the client puts none in a message, and the logger redacts them by field (log.ts).
 */
const MIN_REDACTED_LENGTH = 6;

/** A secret as it may come back in an answer: as sent, URL- and form-encoded, and inside a JSON string. */
export function writtenForms(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice('s='.length),
    JSON.stringify(secret).slice(1, -1),
  ];
  return [...new Set(forms)].filter((form) => form.length >= MIN_REDACTED_LENGTH);
}

/**
 * Every occurrence of every secret replaced, in one pass over the original text: overlapping or
 * adjacent occurrences become one "[redacted]" (the longest reach wins), and a "[redacted]" already put
 * in is never searched again.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const hidden = new Uint8Array(text.length);
  for (const secret of secrets) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      hidden.fill(1, at, at + secret.length);
    }
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i];
    else if (!hidden[i - 1]) out += '[redacted]';
  }
  return out;
}
