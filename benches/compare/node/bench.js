#!/usr/bin/env node
'use strict'
// authward vs the Node.js packages people use today, side by side in one process.
//
//   node benches/compare/node/bench.js [--quick]
//
// Needs the package built and its dev dependencies (cd bindings/node && npm ci). Prints the median
// time per operation of each library over interleaved rounds and the ratio to authward
// (> 1: authward is faster).
//
// * Argon2id hash at OWASP parameters (m=19456 KiB, t=2, p=1), one at a time through each library's
//   Promise API: authward vs @node-rs/argon2 and argon2 (node-argon2).
// * TOTP verification of an invalid code (the full window is searched), window ±1 step, SHA1, 6 digits:
//   authward.verifyTotp vs otplib.verifySync and otpauth's TOTP#validate.

const path = require('node:path')
const { createRequire } = require('node:module')

const pkg = path.resolve(__dirname, '..', '..', '..', 'bindings', 'node')
const need = createRequire(path.join(pkg, 'package.json'))
const authward = need(pkg)
const nodeRs = need('@node-rs/argon2')
const argon2 = need('argon2')
const otplib = need('otplib')
const OTPAuth = need('otpauth')

const quick = process.argv.includes('--quick')
const OWASP = { memoryCost: 19456, timeCost: 2, parallelism: 1 }
const PASSWORD = 'correct horse battery staple'

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function timeAsync(fn, n) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await fn()
  return Number(process.hrtime.bigint() - t0) / 1e6 / n // ms per op
}

function timeSync(fn, n) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn()
  return Number(process.hrtime.bigint() - t0) / 1e3 / n // µs per op
}

function report(title, unit, results) {
  const base = results.authward
  console.log(`\n${title}`)
  for (const [name, value] of Object.entries(results)) {
    const ratio = name === 'authward' ? '' : `  ratio ${name}/authward = ${(value / base).toFixed(2)}x`
    console.log(`  ${name.padEnd(18)} ${value.toFixed(unit === 'ms' ? 2 : 2).padStart(9)} ${unit}${ratio}`)
  }
}

async function hashing() {
  const peers = {
    authward: () => authward.hashPassword(PASSWORD),
    '@node-rs/argon2': () => nodeRs.hash(PASSWORD, OWASP),
    argon2: () => argon2.hash(PASSWORD, { type: argon2.argon2id, ...OWASP }),
  }
  // Every hash is the same work: check the parameters once.
  for (const [name, fn] of Object.entries(peers)) {
    const phc = await fn()
    if (!/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/.test(phc)) throw new Error(`${name} made ${phc}`)
    if (!(await authward.verifyPassword(PASSWORD, phc))) throw new Error(`${name}'s hash does not verify`)
  }
  const rounds = quick ? 3 : 7
  const per = quick ? 4 : 10
  const samples = Object.fromEntries(Object.keys(peers).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(peers)) samples[name].push(await timeAsync(fn, per))
  }
  const results = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
  report(`Argon2id hash, OWASP params (m=19456 KiB, t=2, p=1), median of ${rounds} rounds x ${per}`, 'ms', results)
  return results
}

function totp() {
  const secret = authward.generateTotpSecret()
  const at = 1_750_000_000
  // A code that is wrong at every step of the window, so every library searches all three steps.
  let wrong = '000000'
  for (let i = 0; authward.verifyTotp(secret, wrong, { at }) !== null; i++) wrong = String(i).padStart(6, '0')
  const otpauthTotp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 })
  const peers = {
    authward: () => authward.verifyTotp(secret, wrong, { at }),
    otplib: () => otplib.verifySync({ secret, token: wrong, epoch: at, epochTolerance: 30 }),
    otpauth: () => otpauthTotp.validate({ token: wrong, timestamp: at * 1000, window: 1 }),
  }
  // Same answer everywhere: invalid. And a valid code is accepted by all three (same semantics).
  const good = authward.totpCode(secret, { at: at - 30 })
  if (peers.authward() !== null || peers.otplib().valid || peers.otpauth() !== null) throw new Error('disagreement on the wrong code')
  if (authward.verifyTotp(secret, good, { at }) === null) throw new Error('authward rejects a valid code')
  if (!otplib.verifySync({ secret, token: good, epoch: at, epochTolerance: 30 }).valid) throw new Error('otplib rejects a valid code')
  if (otpauthTotp.validate({ token: good, timestamp: at * 1000, window: 1 }) === null) throw new Error('otpauth rejects a valid code')

  const n = quick ? 2000 : 10000
  const rounds = quick ? 3 : 7
  for (const fn of Object.values(peers)) timeSync(fn, n) // warm up
  const samples = Object.fromEntries(Object.keys(peers).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(peers)) samples[name].push(timeSync(fn, n))
  }
  const results = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
  report(`TOTP verify of an invalid code, window ±1, median of ${rounds} rounds x ${n}`, 'µs', results)
  return results
}

async function main() {
  console.log(`node ${process.version}, ${require('node:os').cpus().length} CPUs, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`)
  const h = await hashing()
  const t = totp()
  console.log('\nsummary (ratio > 1: authward faster; targets: hash >= 1.0 vs @node-rs/argon2, TOTP >= 10x otplib, >= 5x otpauth)')
  console.log(`  hash: @node-rs/argon2/authward ${(h['@node-rs/argon2'] / h.authward).toFixed(2)}x, argon2/authward ${(h.argon2 / h.authward).toFixed(2)}x`)
  console.log(`  totp: otplib/authward ${(t.otplib / t.authward).toFixed(1)}x, otpauth/authward ${(t.otpauth / t.authward).toFixed(1)}x`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
