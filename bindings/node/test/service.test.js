'use strict'
// The flows of the service through Node: the Security settings story, admin calls, policies on a
// manual clock, lockouts, concurrency, the SQLite store.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { authward, CHEAP, GOOD_PASSWORD, service, rejection, thrown } = require('./helpers')

const DAY = 86_400

async function enrol(svc, clock, user = 'alice') {
  const enrollment = await svc.beginTotpEnrollment(user, 'Acme')
  const recovery = await svc.confirmTotpEnrollment(user, authward.totpCode(enrollment.secret, { at: clock.now() }))
  return { secret: enrollment.secret, recovery }
}

test('Authward is created by inMemory/inMemorySync and is an Authward', async () => {
  const a = await authward.Authward.inMemory({ hashParams: CHEAP })
  const b = authward.Authward.inMemorySync({ hashParams: CHEAP })
  assert.ok(a instanceof authward.Authward && b instanceof authward.Authward)
  assert.ok(Math.abs(a.now() - Date.now() / 1000) < 5)
  const clock = new authward.ManualClock(1000)
  const c = await authward.Authward.inMemory({ clock, hashParams: CHEAP })
  clock.advance(5)
  assert.equal(c.now(), 1005)
  clock.set(42)
  assert.equal(c.now(), 42)
})

test('create, sign in, change password: every error code of the form', async () => {
  const { svc, clock } = await service()
  await svc.createUser('alice', 'acme', GOOD_PASSWORD, { email: 'alice@example.com' })
  assert.equal((await rejection(svc.createUser('alice', 'acme', GOOD_PASSWORD))).code, 'ALREADY_EXISTS')
  assert.deepEqual(await svc.listUsers('acme'), ['alice'])

  const first = await svc.signIn('alice', GOOD_PASSWORD)
  assert.equal(first.status, 'complete')
  assert.deepEqual(first.requiredActions, [])
  assert.equal(first.challenge, undefined)
  const version = first.credentialVersion

  for (const [current, next, confirm, code] of [
    ['wrong password!', 'a brand new passphrase 42', 'a brand new passphrase 42', 'WRONG_PASSWORD'],
    [GOOD_PASSWORD, 'a brand new passphrase 42', 'a brand new passphrase 43', 'PASSWORD_MISMATCH'],
    [GOOD_PASSWORD, 'short', 'short', 'POLICY_VIOLATION'],
    [GOOD_PASSWORD, GOOD_PASSWORD, GOOD_PASSWORD, 'PASSWORD_REUSED'],
  ]) {
    const err = await rejection(svc.changePassword('alice', current, next, confirm))
    assert.ok(err instanceof Error)
    assert.equal(err.code, code)
    for (const secret of [current, next, confirm]) assert.ok(!err.message.includes(secret), `${code} leaks a password`)
  }
  const policyErr = await rejection(svc.changePassword('alice', GOOD_PASSWORD, 'short', 'short'))
  assert.deepEqual(policyErr.violations.map((v) => v.code).sort(), ['TOO_SHORT', 'TOO_WEAK'])
  for (const v of policyErr.violations) assert.equal(typeof v.message, 'string')

  await svc.changePassword('alice', GOOD_PASSWORD, 'a brand new passphrase 42', 'a brand new passphrase 42')
  assert.equal((await rejection(svc.signIn('alice', GOOD_PASSWORD))).code, 'INVALID_CREDENTIALS')
  const after = svc.signInSync('alice', 'a brand new passphrase 42')
  assert.ok(after.credentialVersion > version)
  // A second change the same day is held back by the minimum password age (the first replaced the
  // password the account was created with, which is never held back).
  const soon = await rejection(svc.changePassword('alice', 'a brand new passphrase 42', 'another new passphrase 7', 'another new passphrase 7'))
  assert.equal(soon.code, 'POLICY_VIOLATION')
  assert.deepEqual(soon.violations.map((v) => v.code), ['TOO_RECENT'])
  // History: the old password cannot come back (a day later, past the minimum age).
  clock.advance(86_400)
  const reuse = await rejection(
    svc.changePassword('alice', 'a brand new passphrase 42', GOOD_PASSWORD, GOOD_PASSWORD),
  )
  assert.equal(reuse.code, 'PASSWORD_REUSED')
  // Unknown users look exactly like wrong passwords.
  const unknown = await rejection(svc.signIn('nobody', GOOD_PASSWORD))
  assert.equal(unknown.code, 'INVALID_CREDENTIALS')
  assert.equal(unknown.message, (await rejection(svc.signIn('alice', 'nope nope nope'))).message)
  assert.equal((await rejection(svc.status('nobody'))).code, 'NOT_FOUND')
})

test('TOTP enrolment, sign-in with a code, replay refused, recovery codes single-use', async () => {
  const { svc, clock } = await service()
  await svc.createUser('alice', 'acme', GOOD_PASSWORD)
  const enrollment = await svc.beginTotpEnrollment('alice', 'Acme')
  assert.match(enrollment.uri, /^otpauth:\/\/totp\/Acme:alice\?secret=/)
  assert.ok(enrollment.qrSvg.includes('<svg'))
  assert.ok(Buffer.isBuffer(enrollment.qrPng))
  assert.ok(enrollment.qrTerminal.length > 100)
  assert.ok(enrollment.expiresAt > clock.now())
  assert.equal((await rejection(svc.confirmTotpEnrollment('alice', '000000'))).code, 'INVALID_CODE')
  const recovery = await svc.confirmTotpEnrollment('alice', authward.totpCode(enrollment.secret, { at: clock.now() }))
  assert.equal(recovery.length, 10)
  assert.equal(new Set(recovery).size, 10)

  clock.advance(60)
  const step = await svc.signIn('alice', GOOD_PASSWORD)
  assert.equal(step.status, 'second_factor_required')
  assert.equal(typeof step.challenge, 'string')
  const wrong = await rejection(svc.verifySecondFactor(step.challenge, '123 456'))
  assert.equal(wrong.code, 'INVALID_CODE')
  const code = authward.totpCode(enrollment.secret, { at: clock.now() })
  const done = await svc.verifySecondFactor(step.challenge, code) // a wrong code left it valid
  assert.equal(done.status, 'complete')
  // The same form posted again reads as a replay; any other code finds the challenge used.
  assert.equal((await rejection(svc.verifySecondFactor(step.challenge, code))).code, 'CODE_REUSED')
  assert.equal((await rejection(svc.verifySecondFactor(step.challenge, '000000'))).code, 'CHALLENGE_EXPIRED')
  // The same code with a new challenge is a replay.
  const again = await svc.signIn('alice', GOOD_PASSWORD)
  assert.equal((await rejection(svc.verifySecondFactor(again.challenge, code))).code, 'CODE_REUSED')

  // A recovery code works once.
  const r1 = await svc.signIn('alice', GOOD_PASSWORD)
  assert.equal((await svc.verifySecondFactor(r1.challenge, recovery[0])).status, 'complete')
  const r2 = await svc.signIn('alice', GOOD_PASSWORD)
  const used = await rejection(svc.verifySecondFactor(r2.challenge, recovery[0]))
  assert.ok(['INVALID_CODE', 'CODE_REUSED'].includes(used.code), used.code)
  assert.equal((await svc.status('alice')).recoveryCodesLeft, 9)

  // Challenges expire after 5 minutes.
  const late = await svc.signIn('alice', GOOD_PASSWORD)
  clock.advance(301)
  const expired = await rejection(svc.verifySecondFactor(late.challenge, authward.totpCode(enrollment.secret, { at: clock.now() })))
  assert.equal(expired.code, 'CHALLENGE_EXPIRED')

  const fresh = await svc.regenerateRecoveryCodes('alice', GOOD_PASSWORD)
  assert.equal(fresh.length, 10)
  assert.equal((await svc.status('alice')).recoveryCodesLeft, 10)
  await svc.disableTotp('alice', GOOD_PASSWORD)
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD)).status, 'complete')
  const kinds = (await svc.events('alice')).map((e) => e.kind)
  for (const k of ['two_factor_enabled', 'two_factor_disabled', 'recovery_code_used', 'recovery_codes_regenerated', 'code_reused', 'sign_in', 'sign_in_failed']) {
    assert.ok(kinds.includes(k), k)
  }
  assert.equal((await svc.events('alice', { limit: 2 })).length, 2)
  // The events to tell the user about (one message each) are marked; routine ones are not.
  const notify = new Map((await svc.events('alice')).map((e) => [e.kind, e.notify]))
  for (const k of ['two_factor_enabled', 'two_factor_disabled', 'recovery_code_used', 'recovery_codes_regenerated']) assert.equal(notify.get(k), true, k)
  for (const k of ['sign_in', 'sign_in_failed', 'code_reused']) assert.equal(notify.get(k), false, k)
})

test('one code, two concurrent verifications: exactly one wins', async () => {
  for (let round = 0; round < 5; round++) {
    const { svc, clock } = await service()
    await svc.createUser('alice', 'acme', GOOD_PASSWORD)
    const { secret } = await enrol(svc, clock)
    clock.advance(30)
    const [a, b] = await Promise.all([svc.signIn('alice', GOOD_PASSWORD), svc.signIn('alice', GOOD_PASSWORD)])
    const code = authward.totpCode(secret, { at: clock.now() })
    const results = await Promise.allSettled([svc.verifySecondFactor(a.challenge, code), svc.verifySecondFactor(b.challenge, code)])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    const loser = results.find((r) => r.status === 'rejected').reason
    assert.equal(loser.code, 'CODE_REUSED')
    // One challenge used twice at once: one wins as well.
    const c = await svc.signIn('alice', GOOD_PASSWORD)
    clock.advance(30)
    const next = authward.totpCode(secret, { at: clock.now() })
    const same = await Promise.allSettled([svc.verifySecondFactor(c.challenge, next), svc.verifySecondFactor(c.challenge, next)])
    assert.equal(same.filter((r) => r.status === 'fulfilled').length, 1)
  }
})

test('lockout after failures, with retryAfter, lifted by time', async () => {
  const { svc, clock } = await service()
  await svc.setAccountPolicy('acme', { lockout: { maxFailures: 3, lockoutSeconds: 120 } })
  await svc.createUser('alice', 'acme', GOOD_PASSWORD)
  // distinct guesses: the same wrong password typed again is counted once
  for (let i = 0; i < 3; i++) assert.equal((await rejection(svc.signIn('alice', `wrong guess ${i}`))).code, 'INVALID_CREDENTIALS')
  const locked = await rejection(svc.signIn('alice', GOOD_PASSWORD))
  assert.equal(locked.code, 'LOCKED_OUT')
  assert.equal(typeof locked.retryAfter, 'number')
  assert.ok(locked.retryAfter > 0 && locked.retryAfter <= 120)
  assert.equal((await svc.status('alice')).lockedUntil, clock.now() + locked.retryAfter)
  clock.advance(121)
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD)).status, 'complete')
})

test('account policy: enforce 2FA with grace days, expiration with warning, admin actions', async () => {
  const { svc, clock } = await service()
  await svc.createUser('alice', 'acme', GOOD_PASSWORD)
  await svc.setAccountPolicy('acme', { enforceTwoFactor: true, twoFactorGraceDays: 3, passwordExpirationDays: 90, passwordExpiryWarningDays: 14 })
  const policy = await svc.accountPolicy('acme')
  assert.equal(policy.enforceTwoFactor, true)
  assert.equal(policy.passwordExpirationDays, 90)
  assert.deepEqual(policy.totp, { algorithm: 'SHA1', digits: 6, period: 30, window: 1 })
  assert.equal(policy.password.minLength, 12)
  assert.equal(svc.accountPolicySync('other').passwordExpirationDays, undefined)

  const inGrace = await svc.signIn('alice', GOOD_PASSWORD) // a full session, the action listed with its deadline
  assert.equal(inGrace.status, 'complete')
  assert.deepEqual(inGrace.requiredActions, ['enroll_two_factor'])
  assert.equal(inGrace.twoFactorDeadline, clock.now() + 3 * DAY)
  clock.advance(4 * DAY)
  const overdue = await svc.signIn('alice', GOOD_PASSWORD)
  assert.equal(overdue.status, 'action_required')
  assert.deepEqual(overdue.requiredActions, ['enroll_two_factor'])
  const { secret } = await enrol(svc, clock)
  assert.equal((await rejection(svc.disableTotp('alice', GOOD_PASSWORD))).code, 'TWO_FACTOR_ENFORCED')

  clock.advance(80 * DAY)
  const warn = await svc.signIn('alice', GOOD_PASSWORD)
  const done = await svc.verifySecondFactor(warn.challenge, authward.totpCode(secret, { at: clock.now() }))
  assert.equal(done.passwordExpiresInDays, 6)
  const status = await svc.status('alice')
  assert.equal(status.passwordExpiryWarning, true)
  assert.equal(status.passwordExpiresInDays, 6)
  assert.equal(status.twoFactorEnabled, true)

  clock.advance(7 * DAY)
  const expired = await svc.signIn('alice', GOOD_PASSWORD)
  const after = await svc.verifySecondFactor(expired.challenge, authward.totpCode(secret, { at: clock.now() }))
  assert.ok(after.requiredActions.includes('change_password'))
  assert.equal(after.status, 'action_required')

  // Admin: reset 2FA, force a change, set a password.
  await svc.resetTwoFactor('alice')
  assert.equal((await svc.status('alice')).twoFactorEnabled, false)
  await svc.setPassword('alice', 'an admin chosen passphrase 7')
  await svc.requirePasswordChange('alice')
  assert.ok((await svc.status('alice')).requiredActions.includes('change_password'))
  const violation = await rejection(svc.setPassword('alice', 'abc'))
  assert.equal(violation.code, 'POLICY_VIOLATION')
  await svc.deleteUser('alice')
  assert.deepEqual(await svc.listUsers('acme'), [])
  assert.equal((await rejection(svc.deleteUser('alice'))).code, 'NOT_FOUND')
  const bad = await rejection(svc.setAccountPolicy('acme', { passwordExpirationDays: 0 }))
  assert.equal(bad.code, 'INVALID_ARGUMENT')
})

test('SQLite store: data survives reopening, a wrong key is CRYPTO, a foreign file is STORAGE', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authward-node-'))
  try {
    const file = path.join(dir, 'auth.db')
    const key = Buffer.alloc(32, 7)
    const clock = new authward.ManualClock(1_700_000_000)
    const svc = await authward.Authward.open(file, key, { clock, hashParams: CHEAP })
    await svc.createUser('alice', 'acme', GOOD_PASSWORD)
    const { secret } = await enrol(svc, clock)
    const reopened = authward.Authward.openSync(file, key, { clock, hashParams: CHEAP })
    clock.advance(30)
    const s = await reopened.signIn('alice', GOOD_PASSWORD)
    assert.equal((await reopened.verifySecondFactor(s.challenge, authward.totpCode(secret, { at: clock.now() }))).status, 'complete')
    assert.equal((await rejection(authward.Authward.open(file, Buffer.alloc(32, 8)))).code, 'CRYPTO')
    assert.equal((await rejection(authward.Authward.open(file, Buffer.alloc(16)))).code, 'INVALID_ARGUMENT')
    const junk = path.join(dir, 'junk.db')
    fs.writeFileSync(junk, 'this is not a database, just text '.repeat(200))
    assert.equal((await rejection(authward.Authward.open(junk, key))).code, 'STORAGE')
    assert.equal(fs.readFileSync(junk, 'utf8').startsWith('this is not a database'), true)
    assert.equal(thrown(() => authward.Authward.openSync(junk, key)).code, 'STORAGE')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a pepper is needed to verify peppered hashes', async () => {
  const pepper = Buffer.from('a secret pepper kept elsewhere')
  const phc = await authward.hashPassword(GOOD_PASSWORD, { params: CHEAP, pepper })
  assert.equal(await authward.verifyPassword(GOOD_PASSWORD, phc, { pepper }), true)
  assert.equal(await authward.verifyPassword(GOOD_PASSWORD, phc), false)
  const svc = await authward.Authward.inMemory({ hashParams: CHEAP, pepper })
  await svc.createUser('alice', 'acme', GOOD_PASSWORD)
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD)).status, 'complete')
})
