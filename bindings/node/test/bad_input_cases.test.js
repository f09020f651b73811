'use strict'
// Hand-written bad-input cases (the shared table walk is bad_input_table.test.js). Bad input never crashes: a TypeError for a wrong type, an authward error (INVALID_ARGUMENT, …)
// for a bad value. Messages never quote the value (it could be a password).

const test = require('node:test')
const assert = require('node:assert/strict')
const { authward, CHEAP, GOOD_PASSWORD, service, rejection, thrown } = require('./helpers')

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const HUGE = 'x'.repeat(4 * 1024 * 1024)
const CYCLIC = {}
CYCLIC.self = CYCLIC
const WRONG_TYPES = [undefined, null, 12345678, true, { password: 'hunter2-secret' }, ['hunter2-secret'], CYCLIC, Symbol('s'), 10n, () => 1]

function isTypeOrAuthwardError(err) {
  if (err instanceof TypeError) return err.code === 'ERR_INVALID_ARG_TYPE' || err.code === undefined
  const names = authward.errorCodes().map((c) => c.name)
  return err instanceof Error && names.includes(err.code)
}

function assertClean(err, label) {
  assert.ok(isTypeOrAuthwardError(err), `${label}: ${err && err.code} ${err}`)
  assert.ok(!String(err.message).includes('hunter2-secret'), `${label}: the value leaked into the message`)
}

test('sync functions: wrong types are TypeErrors, never a crash', () => {
  const calls = {
    totpCode: (v) => authward.totpCode(v),
    verifyTotp: (v) => authward.verifyTotp(SECRET, v),
    totpUri: (v) => authward.totpUri(SECRET, v, 'alice'),
    parseTotpUri: (v) => authward.parseTotpUri(v),
    qrSvg: (v) => authward.qrSvg(v),
    qrPng: (v) => authward.qrPng(v),
    qrTerminal: (v) => authward.qrTerminal(v),
    needsRehash: (v) => authward.needsRehash(v),
    hashPasswordSync: (v) => authward.hashPasswordSync(v, { params: CHEAP }),
    verifyPasswordSync: (v) => authward.verifyPasswordSync(v, '$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$aGFzaA'),
    ManualClock: (v) => new authward.ManualClock(typeof v === 'number' ? String(v) : v),
    PasswordPolicy: (v) => new authward.PasswordPolicy({ minLength: v === undefined || v === null ? 'x' : v }),
    check: (v) => new authward.PasswordPolicy().check(v),
  }
  for (const [name, call] of Object.entries(calls)) {
    for (const v of WRONG_TYPES) {
      const err = thrown(() => call(v))
      assertClean(err, `${name}(${typeof v})`)
    }
  }
  assert.ok(thrown(() => authward.totpCode(42)) instanceof TypeError)
  assert.ok(thrown(() => authward.totpCode(SECRET, { at: 'now' })) instanceof TypeError)
  assert.ok(thrown(() => authward.totpCode(SECRET, { config: { digits: '6' } })) instanceof TypeError)
})

test('Promise functions reject (never throw) with a TypeError for wrong types', async () => {
  const { svc } = await service()
  const calls = {
    hashPassword: (v) => authward.hashPassword(v, { params: CHEAP }),
    verifyPassword: (v) => authward.verifyPassword(GOOD_PASSWORD, v),
    signIn: (v) => svc.signIn(v, GOOD_PASSWORD),
    createUser: (v) => svc.createUser('bob', v, GOOD_PASSWORD),
    verifySecondFactor: (v) => svc.verifySecondFactor('challenge', v),
    setAccountPolicy: (v) => svc.setAccountPolicy('acme', v),
    open: (v) => authward.Authward.open(v, Buffer.alloc(32)),
  }
  for (const [name, call] of Object.entries(calls)) {
    for (const v of WRONG_TYPES) {
      if (name === 'setAccountPolicy' && (v === null || typeof v === 'object' || typeof v === 'function')) continue
      let promise
      assert.doesNotThrow(() => {
        promise = call(v)
      }, `${name} threw synchronously`)
      assert.ok(promise instanceof Promise, name)
      assertClean(await rejection(promise), `${name}(${typeof v})`)
    }
  }
  assert.ok((await rejection(authward.hashPassword(42))) instanceof TypeError)
  assert.equal((await rejection(svc.setAccountPolicy('acme', { lockout: { maxFailures: 'five' } }))).code, 'ERR_INVALID_ARG_TYPE')
  assert.equal((await rejection(authward.Authward.inMemory({ clock: { now: () => 5 } }))).code, 'ERR_INVALID_ARG_TYPE')
})

test('bad values are authward errors with a code', async () => {
  const cases = [
    () => authward.totpCode('not base32!'),
    () => authward.totpCode('MZXW6'), // too short a secret
    () => authward.totpCode(SECRET, { at: -1 }),
    () => authward.totpCode(SECRET, { at: 1.5 }),
    () => authward.totpCode(SECRET, { at: Number.NaN }),
    () => authward.totpCode(SECRET, { at: Infinity }),
    () => authward.totpCode(SECRET, { config: { digits: 9 } }),
    () => authward.totpCode(SECRET, { config: { algorithm: 'MD5' } }),
    () => authward.totpCode(SECRET, { config: { period: 0 } }),
    () => authward.verifyTotp(SECRET, '123456', { lastStep: -3 }),
    () => authward.totpUri(SECRET, 'Ac:me', 'alice'),
    () => authward.totpUri(SECRET, '', 'alice'),
    () => authward.parseTotpUri('otpauth://hotp/x?secret=' + SECRET),
    () => authward.parseTotpUri('https://example.com'),
    () => authward.parseTotpUri(HUGE),
    () => authward.qrSvg(''),
    () => authward.qrSvg(HUGE),
    () => authward.qrPng('x', { scale: 0 }),
    () => authward.qrPng('x', { scale: 1000 }),
    () => authward.needsRehash('$argon2id$v=19$m=1024,t=1,p=1$bad'),
    () => authward.needsRehash(HUGE),
    () => authward.needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaA', { params: { memoryKib: -1 } }),
    () => authward.hashPasswordSync(''),
    () => authward.hashPasswordSync(HUGE),
    () => authward.hashPasswordSync('x', { params: { memoryKib: 1 } }),
    () => authward.hashPasswordSync('x', { params: CHEAP, pepper: Buffer.alloc(65) }),
    () => authward.verifyPasswordSync('x', 'not a phc string'),
    () => authward.verifyPasswordSync(HUGE, '$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$aGFzaA'),
    () => new authward.ManualClock(-5),
    () => new authward.PasswordPolicy({ minLength: 20, maxLength: 10 }),
    () => new authward.PasswordPolicy({ minStrength: 5 }),
  ]
  for (const [i, call] of cases.entries()) {
    const err = thrown(call)
    assert.ok(!(err instanceof TypeError), `case ${i} is a TypeError: ${err.message}`)
    assert.equal(err.code, 'INVALID_ARGUMENT', `case ${i}: ${err.code} ${err.message}`)
  }
  // Wrong codes are outcomes, not errors.
  for (const code of ['', '12345', '1234567', 'abcdef', '１２３４５６', '12 34 5x', HUGE]) {
    assert.equal(authward.verifyTotp(SECRET, code), null)
  }
  // A huge password is checked without a crash and without truncation.
  const violations = new authward.PasswordPolicy().check(HUGE)
  assert.deepEqual(violations.map((v) => v.code), ['TOO_LONG', 'TOO_WEAK'].filter((c) => violations.some((v) => v.code === c)))
  assert.ok(violations.some((v) => v.code === 'TOO_LONG'))

  const { svc } = await service()
  for (const call of [
    () => svc.createUser('', 'acme', GOOD_PASSWORD),
    () => svc.createUser(HUGE, 'acme', GOOD_PASSWORD),
    () => svc.createUser('bob', 'acme', HUGE),
    () => svc.signIn('bob', HUGE),
    () => svc.verifySecondFactor(HUGE, '123456'),
    () => svc.events('bob', { limit: -1 }),
    () => authward.Authward.inMemory({ hashParams: { iterations: 0 } }),
    () => authward.Authward.inMemory({ pepper: Buffer.alloc(0) }),
  ]) {
    const err = await rejection(call())
    assert.ok(!(err instanceof TypeError), err.message)
    assert.ok(authward.errorCodes().some((c) => c.name === err.code), err.code)
  }
})

test('the password never appears in error messages', async () => {
  const secretish = 'My Very Own Secret Passphrase 99'
  const { svc } = await service()
  await svc.createUser('alice', 'acme', GOOD_PASSWORD)
  const errors = [
    await rejection(svc.signIn('alice', secretish)),
    await rejection(svc.changePassword('alice', secretish, 'x', 'x')),
    await rejection(svc.changePassword('alice', GOOD_PASSWORD, secretish, `${secretish}!`)),
    await rejection(svc.createUser('bob', 'acme', 'alice', { email: 'alice@example.com' })),
    thrown(() => authward.verifyPasswordSync(secretish, `$argon2id$${secretish}`)),
  ]
  for (const err of errors) {
    assert.ok(!err.message.includes(secretish), err.message)
    assert.ok(!JSON.stringify(err).includes(secretish))
  }
})

test('options objects of the wrong type, at any depth, are TypeErrors', async () => {
  const { svc } = await service()
  for (const policy of [5, 'strict', true, ['x'], { password: 'x' }, { totp: 6 }, { lockout: [] }]) {
    const err = await rejection(svc.setAccountPolicy('acme', policy))
    assert.ok(err instanceof TypeError, `${JSON.stringify(policy)}: ${err.message}`)
  }
  assert.ok(thrown(() => authward.totpCode(SECRET, 'now')) instanceof TypeError)
  assert.ok(thrown(() => authward.totpCode(SECRET, { config: 'SHA256' })) instanceof TypeError)
  assert.ok((await rejection(authward.hashPassword(GOOD_PASSWORD, { params: 1024 }))) instanceof TypeError)
  assert.ok((await rejection(authward.hashPassword(GOOD_PASSWORD, { pepper: 'not a buffer' }))) instanceof TypeError)
  assert.ok((await rejection(authward.Authward.inMemory({ hashParams: 'cheap' }))) instanceof TypeError)
  assert.ok((await rejection(authward.Authward.open('/tmp/x.db', 'a string key'))) instanceof TypeError)
  // The policy in force is unchanged by the refused calls.
  assert.equal((await svc.accountPolicy('acme')).password.minLength, 12)
})
