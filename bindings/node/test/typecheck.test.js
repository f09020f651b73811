'use strict'
// The declarations catch mistakes: `tsc --strict` passes a file that uses the whole API (with and
// without --skipLibCheck, so index.d.ts itself must compile against @types/node) and fails a file of
// deliberate mistakes with exactly the expected error codes on the expected lines.

const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const pkgDir = path.resolve(__dirname, '..')
const tsc = path.join(pkgDir, 'node_modules', 'typescript', 'bin', 'tsc')
const FLAGS = ['--strict', '--noEmit', '--pretty', 'false', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022']

function run(file, extra = []) {
  try {
    execFileSync(process.execPath, [tsc, ...FLAGS, ...extra, path.join(__dirname, 'types', file)], { cwd: pkgDir, encoding: 'utf8' })
    return { status: 0, out: '' }
  } catch (err) {
    return { status: err.status, out: `${err.stdout}${err.stderr}` }
  }
}

test('index.d.ts starts by referencing Node types', () => {
  const dts = fs.readFileSync(path.join(pkgDir, 'index.d.ts'), 'utf8')
  assert.match(dts, /^(\/\*.*\*\/\n)*\/\/\/ <reference types="node" \/>/m)
  const pkg = require('../package.json')
  assert.ok(pkg.peerDependencies['@types/node'], '@types/node is a peer dependency')
  assert.equal(pkg.peerDependenciesMeta['@types/node'].optional, true)
})

for (const extra of [[], ['--skipLibCheck']]) {
  test(`the whole API compiles under tsc --strict ${extra.join(' ')}`, () => {
    const { status, out } = run('whole_api.ts', extra)
    assert.equal(status, 0, out)
  })
}

test('deliberate mistakes fail with the expected errors', () => {
  const source = fs.readFileSync(path.join(__dirname, 'types', 'mistakes.ts'), 'utf8').split('\n')
  const expected = source
    .map((line, i) => [i + 1, /\/\/ E: (TS\d+)/.exec(line)?.[1]])
    .filter(([, code]) => code)
    .map(([n, code]) => `${n} ${code}`)
  assert.ok(expected.length >= 12)
  const { status, out } = run('mistakes.ts')
  assert.notEqual(status, 0)
  const found = [...out.matchAll(/mistakes\.ts\((\d+),\d+\): error (TS\d+)/g)].map((m) => `${m[1]} ${m[2]}`)
  assert.deepEqual(found.sort(), expected.sort(), out)
})
