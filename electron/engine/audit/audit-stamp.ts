/**
 * Who made an audited change, and when, as a person reading the log later needs it: the instant
 * (UTC, sortable, what every entry has always had), the same instant in the local time of the
 * machine with its offset and its zone's name, the OS user's login name and, where the OS keeps
 * it in a file a read away (/etc/passwd on Linux and the BSDs), their full name.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

export interface AuditStamp {
  time: string;
  localTime: string;
  zone: string;
  user: string;
  userName?: string;
}

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** Login name -> full name (the first comma-separated field of GECOS), from passwd(5) text. */
export function passwdFullNames(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const full = fields[4]?.split(',')[0]?.trim();
    if (fields.length >= 7 && full) names.set(fields[0]!, full);
  }
  return names;
}

let fullNames: Map<string, string> | undefined;

/**
 * The full name of `user` in /etc/passwd, or undefined where there is none, it only repeats the
 * login name, or the file is not there (macOS keeps most users in Directory Services; Windows
 * has no such file): asking those would take a process per entry.
 */
export function fullNameOf(user: string): string | undefined {
  if (fullNames === undefined) {
    try {
      fullNames = passwdFullNames(readFileSync('/etc/passwd', 'utf8'));
    } catch {
      fullNames = new Map();
    }
  }
  const name = fullNames.get(user);
  return name !== undefined && name !== user ? name : undefined;
}

/** `now` in the machine's local time with its UTC offset: 2026-03-01T11:00:00.000+01:00. */
export function localIsoTime(now: Date): string {
  const offset = -now.getTimezoneOffset();
  const local = new Date(now.getTime() + offset * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offset);
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  return `${local}${offset >= 0 ? '+' : '-'}${pad(abs / 60)}:${pad(abs % 60)}`;
}

/** The IANA name of the machine's time zone (Europe/Berlin), or its offset where it has none. */
export function localZone(now: Date): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && zone !== '' ? zone : `UTC${localIsoTime(now).slice(23)}`;
}

export function auditStamp(now = new Date()): AuditStamp {
  const user = currentUser();
  const userName = fullNameOf(user);
  return { time: now.toISOString(), localTime: localIsoTime(now), zone: localZone(now), user, ...(userName !== undefined ? { userName } : {}) };
}
