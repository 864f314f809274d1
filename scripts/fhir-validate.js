#!/usr/bin/env node
// Validates FHIR R4 JSON offline with the npm package `fhir` (4.12.0, under
// tools/node_modules; scripts/install-deps.sh --test installs it).
//
//   node scripts/fhir-validate.js [--references] FILE...
//     FILE.ndjson: one resource a line; any other file: one resource (such
//     as a Bundle). Every resource (and every Bundle entry) must pass
//     `new Fhir().validate(resource, {errorOnUnexpected: true})` without an
//     error message, and have a valid id. With --references, every
//     `reference` must resolve to a resource in one of the files (as
//     `Type/id`, or as a Bundle entry's fullUrl).
//     Prints each problem and a count per resource type; exits 1 on any
//     problem, 2 on bad usage.
//   node scripts/fhir-validate.js --self-test
//     Checks that the checks above catch broken resources (an unexpected
//     element, a code outside a required value set, a wrong type, a bad id,
//     a reference to nothing) and pass a good one; exits 1 if not.
'use strict';

const fs = require('fs');
const path = require('path');

function loadFhir() {
  const module = path.join(__dirname, '..', 'tools', 'node_modules', 'fhir');
  try {
    return new (require(module).Fhir)();
  } catch (error) {
    console.error(`fhir-validate: cannot load ${module} (run ` +
                  `scripts/install-deps.sh --test): ${error.message}`);
    process.exit(2);
  }
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

// The problems of one resource (and of its Bundle entries): strings.
function problemsOf(fhir, resource, where) {
  const problems = [];
  if (resource === null || typeof resource !== 'object' ||
      typeof resource.resourceType !== 'string') {
    return [`${where}: not a FHIR resource`];
  }
  const label = `${where} ${resource.resourceType}/${resource.id}`;
  if (typeof resource.id !== 'string' || !ID.test(resource.id)) {
    problems.push(`${label}: id ${JSON.stringify(resource.id)} is not a ` +
                  'valid FHIR id ([A-Za-z0-9-.]{1,64})');
  }
  const result = fhir.validate(resource, {errorOnUnexpected: true});
  for (const message of result.messages || []) {
    if (message.severity === 'error') {
      problems.push(`${label}: ${message.location}: ${message.message}`);
    }
  }
  if (resource.resourceType === 'Bundle') {
    (resource.entry || []).forEach((entry, i) => {
      if (entry && entry.resource) {
        const inner = entry.resource;
        if (typeof inner.id !== 'string' || !ID.test(inner.id)) {
          problems.push(`${label}: entry[${i}] id ` +
                        `${JSON.stringify(inner.id)} is not a valid FHIR id`);
        }
      }
    });
  }
  return problems;
}

// Every {reference: "..."} value inside `value`.
function referencesIn(value, out) {
  if (Array.isArray(value)) {
    value.forEach((item) => referencesIn(item, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'reference' && typeof item === 'string') {
        out.push(item);
      } else {
        referencesIn(item, out);
      }
    }
  }
  return out;
}

// Reads FILE: [{where, resource}] or throws with the line that is not JSON.
function readResources(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (!file.endsWith('.ndjson')) {
    return [{where: file, resource: JSON.parse(text)}];
  }
  const resources = [];
  text.split('\n').forEach((line, i) => {
    if (line.length === 0) return;
    try {
      resources.push({where: `${file}:${i + 1}`, resource: JSON.parse(line)});
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not JSON: ${error.message}`);
    }
  });
  return resources;
}

// Validates `items` ([{where, resource}]); returns {problems, counts}.
function validate(fhir, items, checkReferences) {
  const problems = [];
  const counts = {};
  const known = new Set();
  const resources = [];
  for (const {where, resource} of items) {
    problems.push(...problemsOf(fhir, resource, where));
    const all = [{where, resource}];
    if (resource && resource.resourceType === 'Bundle') {
      for (const entry of resource.entry || []) {
        if (entry && entry.resource) {
          all.push({where, resource: entry.resource});
          if (entry.fullUrl) known.add(entry.fullUrl);
        }
      }
    }
    for (const item of all) {
      const type = item.resource && item.resource.resourceType;
      if (type === undefined) continue;
      counts[type] = (counts[type] || 0) + 1;
      known.add(`${type}/${item.resource.id}`);
      if (type !== 'Bundle') resources.push(item);
    }
  }
  if (checkReferences) {
    for (const {where, resource} of resources) {
      for (const reference of referencesIn(resource, [])) {
        if (!known.has(reference)) {
          problems.push(`${where} ${resource.resourceType}/${resource.id}: ` +
                        `reference ${reference} resolves to nothing exported`);
        }
      }
    }
  }
  return {problems, counts};
}

function selfTest(fhir) {
  const good = {
    resourceType: 'Observation', id: 'ana.r1', status: 'final',
    code: {coding: [{system: 'http://loinc.org', code: '72514-3'}]},
    subject: {reference: 'Patient/ana'},
    valueQuantity: {value: 4, unit: '{score}',
                    system: 'http://unitsofmeasure.org', code: '{score}'},
  };
  const patient = {resourceType: 'Patient', id: 'ana'};
  const broken = {
    'an unexpected element': {...good, painScore: 4},
    'a code outside a required value set': {...good, status: 'done'},
    'a wrong type': {...good, valueQuantity: {value: 'four'}},
    'a bad id': {...good, id: 'ana/r1'},
    'a missing required element': (({code, ...rest}) => rest)(good),
    'a reference to nothing': {...good, subject: {reference: 'Patient/bob'}},
  };
  let failed = 0;
  const ok = validate(fhir, [{where: 'good', resource: good},
                             {where: 'patient', resource: patient}], true);
  if (ok.problems.length > 0) {
    console.error(`self-test: a valid Observation was rejected:\n  ` +
                  ok.problems.join('\n  '));
    failed++;
  }
  for (const [what, resource] of Object.entries(broken)) {
    const result = validate(fhir, [{where: what, resource},
                                   {where: 'patient', resource: patient}],
                            true);
    if (result.problems.length === 0) {
      console.error(`self-test: an Observation with ${what} passed`);
      failed++;
    } else {
      console.log(`self-test: ${what}: caught (${result.problems[0]})`);
    }
  }
  return failed === 0 ? 0 : 1;
}

function main(argv) {
  const fhir = loadFhir();
  if (argv.length === 1 && argv[0] === '--self-test') return selfTest(fhir);
  const checkReferences = argv[0] === '--references';
  const files = checkReferences ? argv.slice(1) : argv;
  if (files.length === 0) {
    console.error('usage: fhir-validate.js [--references] FILE... | ' +
                  '--self-test');
    return 2;
  }
  let items = [];
  try {
    for (const file of files) items = items.concat(readResources(file));
  } catch (error) {
    console.error(`fhir-validate: ${error.message}`);
    return 1;
  }
  const {problems, counts} = validate(fhir, items, checkReferences);
  for (const problem of problems) console.error(problem);
  const summary = Object.entries(counts).map(([t, n]) => `${t} ${n}`);
  console.log(`fhir-validate: ${summary.join(', ') || 'no resources'}; ` +
              `${problems.length} problem(s)`);
  if (items.length === 0) return 1;
  return problems.length === 0 ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
