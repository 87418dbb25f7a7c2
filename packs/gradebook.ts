// What grading writes: a gradebook as CSV (for a spreadsheet or an LMS import) and JSON (every
// check's detail), and one markdown feedback file per learner that says what passed and what to fix.
import { join } from 'node:path';
import { writeFileAtomic } from '../contracts/notebook/files';
import type { Gradebook, LabGrade, LearnerGrade } from './grade';

export function writeGradebook(book: Gradebook, outDir: string): { csv: string; json: string; feedback: string[] } {
  const csv = join(outDir, 'gradebook.csv');
  const json = join(outDir, 'gradebook.json');
  writeFileAtomic(csv, gradebookCsv(book));
  writeFileAtomic(
    json,
    `${JSON.stringify({ pack: { id: book.pack.id, title: book.pack.title, version: book.pack.version }, labs: book.labs, learners: book.learners }, null, 2)}\n`,
  );
  const feedback = book.learners.map((learner) => {
    const file = join(outDir, 'feedback', `${safeName(learner.learner)}.md`);
    writeFileAtomic(file, feedbackMarkdown(book, learner));
    return file;
  });
  return { csv, json, feedback };
}

export function gradebookCsv(book: Gradebook): string {
  const header = ['learner', ...book.labs.map((l) => l.id), 'total', 'max'];
  const rows = book.learners.map((learner) => [
    learner.learner,
    ...book.labs.map((l) => String(learner.labs.find((g) => g.id === l.id)?.score ?? 0)),
    String(learner.score),
    String(learner.max),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

export function feedbackMarkdown(book: Gradebook, learner: LearnerGrade): string {
  const lines = [`# ${book.pack.title}: feedback for ${learner.learner}`, '', `**Total: ${learner.score} / ${learner.max} points**`, ''];
  for (const lab of learner.labs) lines.push(...labFeedback(lab), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function labFeedback(lab: LabGrade): string[] {
  const lines = [`## ${lab.id} ${lab.title}: ${lab.score} / ${lab.max}`];
  if (lab.note) return [...lines, '', lab.note];
  lines.push('');
  for (const check of lab.checks) {
    const mark = check.score === check.max ? '✓' : '✗';
    lines.push(`- ${mark} **${check.title}** (${check.score} / ${check.max})`);
    if (check.error) lines.push(`  - stopped: ${check.error}`);
    for (const item of check.items) lines.push(`  - ${item.passed ? '✓' : '✗'} ${item.name}${item.message ? `: ${item.message}` : ''}`);
  }
  if (lab.errors.length) lines.push('', 'Errors in your cells:', ...lab.errors.map((e) => `- ${e}`));
  return lines;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'learner';
}
