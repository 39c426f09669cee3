#!/usr/bin/env node
import { eventsCommand } from "./cli/eventsCommand.js";
import { findingsCommand } from "./cli/findingsCommand.js";
import { EXIT } from "./cli/paths.js";
import { rulesCommand } from "./cli/rulesCommand.js";
import { scanCommand } from "./cli/scanCommand.js";
import { UsageError } from "./cli/UsageError.js";

const USAGE = `Usage: sysmon-hunt <command> [options]

Commands:
  scan PATH...     scan event logs with the detection rules and print findings
  events PATH...   print the events of any supported input as evtx_dump-shaped JSON
  findings         list the aggregated findings the Lambda pipeline stored in DynamoDB
  rules lint|test  check that rules load, and run their offline tests

Run 'sysmon-hunt <command> --help' for a command's options.
`;

type Command = (
  argv: readonly string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  scan: scanCommand,
  events: eventsCommand,
  findings: findingsCommand,
  rules: rulesCommand,
};

/** The `sysmon-hunt` command: wires arguments to a command and maps errors to exit codes. */
export async function main(argv: readonly string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr };
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.stdout.write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`sysmon-hunt: unknown command '${name}'\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`sysmon-hunt: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

// A reader that stops early (`sysmon-hunt events ... | head`) is not an error: end quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sysmon-hunt: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
