// The Security settings page, end to end, with authward in Node.js.
//
//   cd examples/node && npm install && node quickstart.mjs
//
// `npm install` builds the native addon from ../../bindings/node (Rust toolchain needed).
// A manual clock stands in for the passing of days; the phone's authenticator app is played by
// `totpCode`. Every step checks its outcome, so the script doubles as a smoke test.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { Authward, ManualClock, totpCode } from 'authward'

const DAY = 86_400
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authward-quickstart-'))
const clock = new ManualClock(Math.floor(Date.parse('2026-01-05T09:00:00Z') / 1000))

// The app opens its store once. The 32-byte key encrypts TOTP secrets at rest: keep it outside the DB.
const key = randomBytes(32)
const auth = await Authward.open(path.join(dir, 'auth.db'), key, { clock })

// --- The admin sets the account's policies ---------------------------------------------------------
await auth.setAccountPolicy('acme', {
  enforceTwoFactor: true,
  twoFactorGraceDays: 7,
  passwordExpirationDays: 90,
  password: { minLength: 12 },
})
console.log('acme: two-factor enforced after 7 days, passwords expire after 90 days')

// --- Sign-up: the password must pass the policy, every problem reported at once ----------------------
try {
  await auth.createUser('alice', 'acme', 'alice2026', { email: 'alice@example.com' })
  assert.fail('a weak password was accepted')
} catch (err) {
  assert.equal(err.code, 'POLICY_VIOLATION')
  console.log('weak password refused:')
  for (const v of err.violations) console.log(`  - ${v.code}: ${v.message}`)
}
await auth.createUser('alice', 'acme', 'orbit lantern meadow 42', { email: 'alice@example.com' })

let signIn = await auth.signIn('alice', 'orbit lantern meadow 42')
assert.equal(signIn.status, 'complete')
console.log(`alice signed in (${signIn.status}), actions: [${signIn.requiredActions}]`)

// --- Change password: current, new, confirm (a day later: a user changes it at most once a day) ------
clock.advance(DAY)
try {
  await auth.changePassword('alice', 'orbit lantern meadow 42', 'violet harbor compass 7', 'violet harbour compass 7')
  assert.fail('a mismatched confirmation was accepted')
} catch (err) {
  assert.equal(err.code, 'PASSWORD_MISMATCH')
  console.log(`change refused: ${err.code}`)
}
await auth.changePassword('alice', 'orbit lantern meadow 42', 'violet harbor compass 7', 'violet harbor compass 7')
console.log('password changed')

// --- A week later the grace period is over: enrol two-factor authentication --------------------------
clock.advance(8 * DAY)
signIn = await auth.signIn('alice', 'violet harbor compass 7')
assert.deepEqual(signIn.requiredActions, ['enroll_two_factor'])
console.log(`sign-in requires: ${signIn.requiredActions}`)

const enrollment = await auth.beginTotpEnrollment('alice', 'Acme')
console.log('scan this with an authenticator app (or type the text code):')
console.log(enrollment.qrTerminal)
console.log(`text code: ${enrollment.secret.replace(/(.{4})/g, '$1 ').trim()}`)
fs.writeFileSync(path.join(dir, 'enroll.png'), enrollment.qrPng)
const phone = () => totpCode(enrollment.secret, { at: clock.now() })
const recoveryCodes = await auth.confirmTotpEnrollment('alice', phone())
console.log(`two-factor on; ${recoveryCodes.length} recovery codes, e.g. ${recoveryCodes[0]}`)

// --- From now on, sign-in asks for the 6-digit code ("VERIFY") ---------------------------------------
clock.advance(45)
signIn = await auth.signIn('alice', 'violet harbor compass 7')
assert.equal(signIn.status, 'second_factor_required')
try {
  await auth.verifySecondFactor(signIn.challenge, '000000')
} catch (err) {
  console.log(`wrong code: ${err.code}`)
}
signIn = await auth.verifySecondFactor(signIn.challenge, phone())
assert.equal(signIn.status, 'complete')
console.log('verified with the app code: signed in')

// Lost phone? A recovery code works once.
clock.advance(60)
signIn = await auth.signIn('alice', 'violet harbor compass 7')
signIn = await auth.verifySecondFactor(signIn.challenge, recoveryCodes[0])
assert.equal(signIn.status, 'complete')
console.log(`signed in with a recovery code; ${(await auth.status('alice')).recoveryCodesLeft} left`)

// --- Password expiry: a warning first, then a forced change -------------------------------------------
clock.advance(80 * DAY)
signIn = await auth.signIn('alice', 'violet harbor compass 7')
signIn = await auth.verifySecondFactor(signIn.challenge, phone())
console.log(`password expires in ${signIn.passwordExpiresInDays} days`)
assert.ok(signIn.passwordExpiresInDays > 0 && signIn.passwordExpiresInDays <= 14)
clock.advance(10 * DAY)
signIn = await auth.signIn('alice', 'violet harbor compass 7')
signIn = await auth.verifySecondFactor(signIn.challenge, phone())
assert.deepEqual(signIn.requiredActions, ['change_password'])
console.log(`sign-in requires: ${signIn.requiredActions}`)
await auth.changePassword('alice', 'violet harbor compass 7', 'copper willow sunrise 19', 'copper willow sunrise 19')

// --- The Security settings page ----------------------------------------------------------------------
const status = await auth.status('alice')
assert.equal(status.twoFactorEnabled, true)
assert.deepEqual(status.requiredActions, [])
console.log('status:', status)
console.log('recent security events:')
for (const e of await auth.events('alice', { limit: 6 })) {
  console.log(`  ${new Date(e.at * 1000).toISOString()}  ${e.kind}  ${e.detail}`)
}

// The store survives a restart (same key).
const again = await Authward.open(path.join(dir, 'auth.db'), key, { clock })
assert.deepEqual(await again.listUsers('acme'), ['alice'])
fs.rmSync(dir, { recursive: true, force: true })
console.log('quickstart OK')
