// `aielab pack validate|release|grade` and `aielab new pack`: a lab pack's life from a terminal.
import { parseArgs } from 'node:util';
import { writeGradebook } from '../packs/gradebook';
import { gradePack } from '../packs/grade';
import { releasePack } from '../packs/release';
import { scaffoldPack } from '../scaffolds/labPack';
import { validatePack } from '../packs/validate';
import { UsageError } from './usage';

const DEFAULT_GRADE_TIMEOUT_S = 60;

export async function packCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'validate': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { strict: { type: 'boolean', default: false } },
      });
      if (positionals.length !== 1) throw new UsageError('pack validate takes the pack folder: aielab pack validate labs/');
      return validate(positionals[0] as string, values.strict);
    }
    case 'release': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 2)
        throw new UsageError('pack release takes the pack and a new folder: aielab pack release labs/ student-labs/');
      const [dir, out] = positionals as [string, string];
      const summary = releasePack(dir, out);
      console.log(
        `Released ${dir} to ${out}: ${summary.notebooks} notebooks, ${summary.solutionsRemoved} solution cells removed, ${summary.hintsFolded} hints kept for "Show hint", outputs cleared.`,
      );
      return 0;
    }
    case 'grade': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          out: { type: 'string', default: 'grades' },
          'cell-timeout': { type: 'string', default: String(DEFAULT_GRADE_TIMEOUT_S) },
          'no-sandbox': { type: 'boolean', default: false },
        },
      });
      if (positionals.length < 2)
        throw new UsageError('pack grade takes the pack and one or more submissions: aielab pack grade labs/ submissions/*');
      const cellTimeout = Number(values['cell-timeout']);
      if (!(cellTimeout > 0)) throw new UsageError(`--cell-timeout takes a number of seconds above 0, not ${values['cell-timeout']}.`);
      const [pack, ...submissions] = positionals as [string, ...string[]];
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
      const book = await gradePack(pack, submissions, {
        cellTimeout,
        noSandbox: values['no-sandbox'],
        signal: stop.signal,
        onProgress: (line) => console.error(line),
        // Written after every learner, so a grading that is stopped keeps what it graded.
        onLearner: (sofar) => writeGradebook(sofar, values.out),
      }).finally(() => process.off('SIGINT', onSignal).off('SIGTERM', onSignal));
      const written = writeGradebook(book, values.out);
      if (stop.signal.aborted) {
        console.error(`Grading was stopped: ${written.csv} holds the ${book.learners.length} learners graded so far.`);
        return 130;
      }
      for (const learner of book.learners)
        console.log(
          `${learner.learner}: ${learner.score} / ${learner.max}  (${learner.labs.map((l) => `${l.id} ${l.score}/${l.max}`).join(', ')})`,
        );
      console.log(`Wrote ${written.csv}, ${written.json} and ${written.feedback.length} feedback files in ${values.out}/feedback.`);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown pack command '${sub}'.` : 'pack needs a command: validate, release or grade.');
  }
}

export function newCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { title: { type: 'string' } } });
  if (positionals[0] !== 'pack' || positionals.length !== 2)
    throw new UsageError('new makes a lab pack or a project: aielab new pack <folder> [--title "My course"], aielab new pipeline <folder>');
  const dir = positionals[1] as string;
  const files = scaffoldPack(dir, values.title);
  console.log(`Created a lab pack in ${dir}: ${files.join(', ')}.\nOpen the folder in VS Code, or run: aielab pack validate ${dir}`);
  return 0;
}

function validate(dir: string, strict: boolean): number {
  const { pack, problems, planned, notebooks } = validatePack(dir, { strict });
  for (const p of problems) console.error(`${p.where}: ${p.message}`);
  if (problems.length) {
    console.error(`\n${dir}: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`);
    return 1;
  }
  if (!pack) return 1;
  const labs = pack.modules.flatMap((m) => m.labs);
  const journals = labs.filter((lab) => lab.kind === 'journal').length;
  console.log(
    `${dir}: "${pack.title}" ${pack.version} is valid: ${pack.modules.length} modules, ${labs.length} labs (${notebooks.size} written, ${planned.length} planned${journals ? `, ${journals} journal` : ''}).`,
  );
  for (const { lab } of planned) console.log(`  planned: ${lab.id} ${lab.title} (${lab.notebook} does not exist yet)`);
  return 0;
}
