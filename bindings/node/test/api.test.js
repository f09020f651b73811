'use strict'
// The shape of the package: CommonJS and ES module entry points agree, every slow call has a
// Promise variant and a `…Sync` twin, the TypeScript declarations cover every export.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { authward, CHEAP } = require('./helpers')

const PKG = path.resolve(__dirname, '..')

test('import and require give the same API', async () => {
  const esm = await import('authward')
  const cjs = require('authward')
  assert.equal(cjs, authward)
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), Object.keys(cjs).sort())
  for (const key of Object.keys(cjs)) assert.equal(esm[key], cjs[key], key)
  assert.equal(esm.default, cjs)
})

test('every Promise function has a Sync twin that returns the same kind of result', async () => {
  const asyncFns = ['hashPassword', 'verifyPassword']
  for (const name of asyncFns) assert.equal(typeof authward[`${name}Sync`], 'function', name)
  const phc = authward.hashPasswordSync('pw pw pw', { params: CHEAP })
  const viaPromise = authward.hashPassword('pw pw pw', { params: CHEAP })
  assert.ok(viaPromise instanceof Promise)
  assert.match(await viaPromise, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
  assert.equal(await authward.verifyPassword('pw pw pw', phc), authward.verifyPasswordSync('pw pw pw', phc))

  const methods = Object.getOwnPropertyNames(authward.Authward.prototype).filter((n) => n !== 'constructor')
  const sync = methods.filter((n) => n.endsWith('Sync'))
  assert.ok(sync.length >= 17, `only ${sync.length} Sync methods`)
  for (const s of sync) assert.ok(methods.includes(s.slice(0, -4)), `${s} has no Promise twin`)
  const svc = await authward.Authward.inMemory({ hashParams: CHEAP })
  assert.ok(svc.listUsers('acme') instanceof Promise)
  assert.deepEqual(svc.listUsersSync('acme'), [])
  assert.equal(typeof authward.Authward.openSync, 'function')
  assert.equal(typeof authward.Authward.inMemorySync, 'function')
  // Fast calls are plain functions.
  assert.equal(typeof authward.totpCode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'), 'string')
})

test('index.d.ts declares every export, with the defaults in doc comments', () => {
  const dts = fs.readFileSync(path.join(PKG, 'index.d.ts'), 'utf8')
  for (const name of Object.keys(authward)) {
    assert.match(dts, new RegExp(`export declare (function|class|const) ${name}\\b`), name)
  }
  for (const iface of ['HashParams', 'TotpConfig', 'PasswordPolicyOptions', 'AccountPolicy', 'LockoutPolicy', 'SecurityStatus', 'Event', 'Violation', 'StoreInfo', 'RekeyProgress']) {
    assert.match(dts, new RegExp(`export interface ${iface} \\{`), iface)
  }
  // The results that hold a secret are classes of read-only accessors (redacted by toJSON/inspect).
  assert.match(dts, /export declare class SignIn \{[^}]*get challenge\(\): string \| undefined[^}]*toJSON\(\): RedactedSignIn/)
  assert.match(dts, /export declare class Enrollment \{[^}]*get secret\(\): string[^}]*toJSON\(\): RedactedEnrollment/)
  assert.match(dts, /Default 19456/)
  assert.match(dts, /hashPassword\(password: string, options\?: HashOptions \| undefined \| null\): Promise<string>/)
  assert.match(dts, /signIn\(userId: string, password: string, options\?: SignInOptions \| undefined \| null\): Promise<SignIn>/)
  assert.match(dts, /qrPng\(text: string, options\?: QrPngOptions \| undefined \| null\): Buffer/)
})

test('PasswordPolicy: defaults, rules for a checklist, every violation at once', () => {
  const policy = new authward.PasswordPolicy()
  assert.deepEqual(policy.toJSON(), {
    minLength: 12,
    maxLength: 128,
    requireLowercase: false,
    requireUppercase: false,
    requireDigit: false,
    requireSymbol: false,
    minStrength: 3,
    forbidUserInputs: true,
    history: 5,
    minAgeDays: 1,
    rejectBreached: true,
    breachMinCount: 1,
    breachFailClosed: false,
  })
  assert.equal(policy.minLength, 12)
  const strict = new authward.PasswordPolicy({ minLength: 8, requireDigit: true, requireSymbol: true, requireUppercase: true, requireLowercase: true })
  assert.deepEqual(strict.rules().map((r) => r.code), ['TOO_SHORT', 'TOO_LONG', 'MISSING_LOWERCASE', 'MISSING_UPPERCASE', 'MISSING_DIGIT', 'MISSING_SYMBOL', 'CONTAINS_USER_INPUT', 'TOO_WEAK', 'TOO_RECENT'])
  const codes = strict.check('alice', { userInputs: ['alice@example.com'] }).map((v) => v.code)
  assert.deepEqual(codes.sort(), ['CONTAINS_USER_INPUT', 'MISSING_DIGIT', 'MISSING_SYMBOL', 'MISSING_UPPERCASE', 'TOO_SHORT', 'TOO_WEAK'])
  assert.deepEqual(policy.check('correct horse battery staple'), [])
  // Length counts code points after NFKC: 12 emoji pass the length rule.
  assert.ok(!new authward.PasswordPolicy({ minStrength: 0 }).check('😀'.repeat(12)).some((v) => v.code === 'TOO_SHORT'))
})

test('TOTP helpers: secret, default time is now, replay step, URI round trip', () => {
  const secret = authward.generateTotpSecret()
  assert.match(secret, /^[A-Z2-7]{32}$/)
  const now = Math.floor(Date.now() / 1000)
  const code = authward.totpCode(secret)
  const step = authward.verifyTotp(secret, code)
  assert.ok(step !== null && Math.abs(step - Math.floor(now / 30)) <= 1)
  assert.equal(authward.verifyTotp(secret, code, { lastStep: step }), null)
  assert.equal(authward.verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, { at: now }), authward.verifyTotp(secret, code, { at: now }))
  const uri = authward.totpUri(secret, 'Acme Co', 'alice@example.com')
  assert.equal(uri, `otpauth://totp/Acme%20Co:alice@example.com?secret=${secret}&issuer=Acme%20Co&algorithm=SHA1&digits=6&period=30`)
  assert.deepEqual(authward.parseTotpUri(uri), {
    secret,
    issuer: 'Acme Co',
    accountName: 'alice@example.com',
    config: { algorithm: 'SHA1', digits: 6, period: 30, window: 1 },
  })
})
