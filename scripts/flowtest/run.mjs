// Runs an ASL definition in aws-local-stepfunctions, a third-party ASL
// interpreter, once per fixture, with every Task bound to openlot's real step
// handler behind a local HTTP server. Used by shared/flowtest.
//
//   node run.mjs DEFINITION.json FIXTURES.json STEP_SERVER_URL
//
// Validates the definition with asl-validator first (exit 2 when invalid).
// Prints one JSON line per fixture: {"output": …} or {"error": …, "cause": …}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StateMachine } from 'aws-local-stepfunctions';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator');

const [definitionPath, fixturesPath, stepServer] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(definitionPath, 'utf8'));
const fixtures = JSON.parse(readFileSync(fixturesPath, 'utf8'));

const { isValid, errorsText } = aslValidator(definition);
if (!isValid) {
  console.error('asl-validator: ' + errorsText('\n'));
  process.exit(2);
}

// Every Task state, nested ones included, by name → the step it runs.
const tasks = {};
const waits = {};
const walk = (def) => {
  for (const [name, state] of Object.entries(def.States)) {
    if (state.Type === 'Task') tasks[name] = state.Resource.split(':function:')[1];
    if (state.Type === 'Wait') waits[name] = 0;
    for (const branch of state.Branches ?? []) walk(branch);
    if (state.Iterator) walk(state.Iterator);
  }
};
walk(definition);

class StepError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

const handlers = {};
const retries = {};
for (const [stateName, step] of Object.entries(tasks)) {
  retries[stateName] = 0;
  handlers[stateName] = async (input) => {
    const res = await fetch(`${stepServer}/${step}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = await res.json();
    if (res.status !== 200) throw new StepError(body.errorType, body.errorMessage);
    return body;
  };
}

const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
for (const input of fixtures) {
  try {
    const execution = machine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits, retryIntervalOverrides: retries },
    });
    const output = await execution.result;
    console.log(JSON.stringify({ output }));
  } catch (err) {
    const e = err.name === 'ExecutionError' && err.cause ? err.cause : err; // the error that ended it
    console.log(JSON.stringify({ error: e.name, cause: e.message }));
  }
}
