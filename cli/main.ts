// The `aielab` command: dispatches to its subcommands and turns failures into exit codes.
import { parseArgs } from 'node:util';
import { version } from '../package.json';
import { convertCommand } from './convert';
import { doctorCommand } from './doctor';
import { describeFailure } from './failures';
import { exportCommand } from './exportOnnx';
import { inspectCommand } from './inspect';
import { apiKeyCommand, driftCommand, monitoringCommand, serveCommand } from './serve';
import { newPipelineCommand } from './newPipeline';
import { newCommand, packCommand } from './pack';
import { parseRunArgs, runCommand } from './run';
import { runsCommand } from './runs';
import { HELP, UsageError } from './usage';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(version);
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case 'run':
      return runCommand(parseRunArgs(rest));
    case 'convert': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 2) throw new UsageError('convert takes an input and an output: aielab convert lab.ipynb lab.aielab');
      return convertCommand(positionals[0] as string, positionals[1] as string);
    }
    case 'pack':
      return packCommand(rest);
    case 'doctor':
      return doctorCommand();
    case 'runs':
      return runsCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'inspect':
      return inspectCommand(rest);
    case 'serve':
      return serveCommand(rest);
    case 'api-key':
      return apiKeyCommand(rest);
    case 'monitoring':
      return monitoringCommand(rest);
    case 'drift':
      return driftCommand(rest);
    case 'new':
      if (rest[0] !== 'pipeline') return newCommand(rest);
      if (rest.length !== 2) throw new UsageError('new pipeline takes one folder: aielab new pipeline my-pipeline');
      return newPipelineCommand(rest[1] as string);
    default:
      throw new UsageError(`unknown command '${command}'.`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const failure = describeFailure(err);
    console.error(failure ? failure.lines.join('\n') : err);
    process.exitCode = failure?.code ?? 1;
  },
);
