// authorized_keys handling: keys compare by type and blob (options and comments differ freely).
import { publicKeyIdentity } from '../juju/ssh-key.ts';

/**
 * authorized_keys with `key` (`TYPE BLOB`) added as a line of its own, `key comment`, without
 * options; null when the key is already authorized (with whatever options). Every line is kept.
 */
export function withAuthorizedKey(current: string | null, key: string, comment: string): string | null {
  const text = current ?? '';
  if (text.split('\n').some((l) => !l.trim().startsWith('#') && publicKeyIdentity(l) === key)) return null;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${key} ${comment}\n`;
}
