'use strict'
// No secret in any message, inspect string or event detail.
//
// Runs the Security settings flows through the Node package (create with a refused password, change
// password with every failure, enrol with a wrong then a right code, sign in with wrong and right
// passwords and codes, a replayed code, recovery codes with and without dashes, lockout, events,
// status, the stateless primitives) while recording every error (message, String(), util.inspect with
// hidden properties, JSON, violations), util.inspect of every returned object and class instance, every
// event detail and everything written to stdout/stderr. Returned objects are plain data in Node, so the
// fields that *are* the secret handed out (SignIn.challenge, Enrollment.secret/uri/QR, the recovery code
// lists) are left out of their inspect string; everything else must contain no password (right, wrong,
// refused or new), pepper, TOTP secret (base32 any case, raw bytes as hex), code, recovery code (with or
// without dashes, any case) or challenge.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const { authward, CHEAP } = require('./helpers')

const P1 = 'Tangerine-Quartz-Meadow-91'
const P2 = 'Saffron-Glacier-Tundra-Violin-7'
const P3 = 'Juniper-Lantern-Harbor-Quill-3'
const WRONG = 'Wrong-Guess-Marmalade-55'
const WEAK = 'hunter2hunter2'
const PEPPER = Buffer.from('pepper-for-the-leak-test-0123456')
const T0 = 1_700_000_000
// Fields of returned objects that are the secret itself, by contract.
const PAYLOAD = new Set(['challenge', 'secret', 'uri', 'qrSvg', 'qrPng', 'qrTerminal'])

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of s) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

class Recorder {
  constructor() {
    this.texts = []
    this.secrets = new Set([P1, P2, P3, WRONG, WEAK, PEPPER.toString(), PEPPER.toString('hex')])
    this.codes = new Set()
  }

  text(where, value) {
    this.texts.push([where, typeof value === 'string' ? value : util.inspect(value, { depth: 10, showHidden: true })])
  }

  error(where, err) {
    this.text(`${where}: message`, String(err.message))
    this.text(`${where}: String`, String(err))
    this.text(`${where}: inspect`, err)
    this.text(`${where}: JSON`, JSON.stringify(err))
    for (const v of err.violations ?? []) this.text(`${where}: violation`, v.message)
  }

  returned(where, value) {
    if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !Array.isArray(value)) {
      const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !PAYLOAD.has(k)))
      this.text(`${where}: fields`, rest)
      if (Object.getPrototypeOf(value) !== Object.prototype) this.text(`${where}: instance`, value)
    } else {
      this.text(`${where}: value`, value)
    }
  }

  /** Runs a sync call or awaits a Promise one; `expect` is the error code it must fail with. */
  async call(where, fn, expect, { isSecret = false } = {}) {
    let value
    try {
      value = await fn()
    } catch (err) {
      assert.ok(expect, `${where}: unexpected ${err.code} ${err.message}`)
      assert.ok([].concat(expect).includes(err.code), `${where}: expected ${expect}, got ${err.code} ${err.message}`)
      this.error(where, err)
      return undefined
    }
    assert.ok(!expect, `${where}: expected ${expect}, got ${util.inspect(value)}`)
    if (!isSecret) this.returned(where, value)
    return value
  }

  totpSecret(secret) {
    const raw = base32Decode(secret)
    for (const s of [secret, secret.toLowerCase(), raw.toString('hex'), raw.toString('hex').toUpperCase()]) this.secrets.add(s)
  }

  recoveryCodes(codes) {
    for (const code of codes) {
      const bare = code.replaceAll('-', '')
      for (const s of [code, code.toLowerCase(), bare, bare.toLowerCase()]) this.secrets.add(s)
    }
  }

  check(min) {
    assert.ok(this.texts.length > min, `only ${this.texts.length} texts recorded`)
    for (const [where, text] of this.texts) {
      for (const secret of this.secrets) {
        if (secret) assert.ok(!text.includes(secret), `${where}: a secret appears in ${text.slice(0, 300)}`)
      }
      for (const code of this.codes) {
        assert.ok(!new RegExp(`(?<!\\d)${code}(?!\\d)`).test(text), `${where}: the code ${code} appears in ${text.slice(0, 300)}`)
      }
    }
  }
}

/** Records everything written to stdout and stderr while `fn` runs. */
async function capturingOutput(rec, fn) {
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write }
  for (const name of ['stdout', 'stderr']) {
    process[name].write = function (chunk, ...rest) {
      rec.text(name, String(chunk))
      return writes[name].call(this, chunk, ...rest)
    }
  }
  try {
    await fn()
  } finally {
    process.stdout.write = writes.stdout
    process.stderr.write = writes.stderr
  }
}

test('the flows leak no secret', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authward-leaks-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const rec = new Recorder()
  await capturingOutput(rec, async () => {
    const clock = new authward.ManualClock(T0)
    const svc = await authward.Authward.open(path.join(dir, 'leaks.db'), Buffer.alloc(32, 5), { clock, hashParams: CHEAP, pepper: PEPPER })
    rec.text('service', svc)
    rec.text('clock', clock)
    await rec.call('policy', () => svc.setAccountPolicy('acme', { lockout: { maxFailures: 10, lockoutSeconds: 60 } }))
    await rec.call('policy read', () => svc.accountPolicy('acme'))

    await rec.call('create weak', () => svc.createUser('alice', 'acme', WEAK), 'POLICY_VIOLATION')
    await rec.call('create', () => svc.createUser('alice', 'acme', P1, { email: 'alice@example.com' }))
    await rec.call('create again', () => svc.createUser('alice', 'acme', P1), 'ALREADY_EXISTS')
    await rec.call('create sync weak', () => svc.createUserSync('bob', 'acme', WEAK), 'POLICY_VIOLATION')

    await rec.call('change wrong', () => svc.changePassword('alice', WRONG, P2, P2), 'WRONG_PASSWORD')
    await rec.call('change mismatch', () => svc.changePassword('alice', P1, P2, P2 + 'x'), 'PASSWORD_MISMATCH')
    await rec.call('change weak', () => svc.changePassword('alice', P1, WEAK, WEAK), 'POLICY_VIOLATION')
    await rec.call('change same', () => svc.changePasswordSync('alice', P1, P1, P1), 'PASSWORD_REUSED')
    await rec.call('change', () => svc.changePassword('alice', P1, P2, P2))
    await rec.call('change back', () => svc.changePassword('alice', P2, P1, P1), 'PASSWORD_REUSED')

    const enrollment = await rec.call('begin', () => svc.beginTotpEnrollment('alice', 'ACME'))
    rec.totpSecret(enrollment.secret)
    rec.secrets.add(enrollment.uri)
    await rec.call('parse uri', () => authward.parseTotpUri(enrollment.uri))
    const code = authward.totpCode(enrollment.secret, { at: clock.now() })
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    rec.codes.add(code).add(wrongCode)
    await rec.call('confirm wrong', () => svc.confirmTotpEnrollment('alice', wrongCode), 'INVALID_CODE')
    const codes = await rec.call('confirm', () => svc.confirmTotpEnrollment('alice', code), undefined, { isSecret: true })
    rec.recoveryCodes(codes)

    clock.advance(30)
    await rec.call('sign in wrong', () => svc.signIn('alice', WRONG), 'INVALID_CREDENTIALS')
    await rec.call('sign in unknown', () => svc.signIn('nobody', P1), 'INVALID_CREDENTIALS')
    const first = await rec.call('sign in', () => svc.signIn('alice', P2))
    rec.secrets.add(first.challenge)
    await rec.call('2fa wrong', () => svc.verifySecondFactor(first.challenge, wrongCode), 'INVALID_CODE')
    await rec.call('2fa replay', () => svc.verifySecondFactor(first.challenge, code), 'CODE_REUSED')
    const nowCode = authward.totpCode(enrollment.secret, { at: clock.now() })
    rec.codes.add(nowCode)
    await rec.call('2fa', () => svc.verifySecondFactor(first.challenge, nowCode))
    await rec.call('2fa posted again', () => svc.verifySecondFactorSync(first.challenge, nowCode), 'CODE_REUSED')
    await rec.call('2fa used challenge', () => svc.verifySecondFactorSync(first.challenge, '000000'), 'CHALLENGE_EXPIRED')

    let last
    for (const [i, typed] of [codes[0], codes[1].replaceAll('-', '').toLowerCase()].entries()) {
      clock.advance(31)
      last = await rec.call(`sign in ${i}`, () => svc.signIn('alice', P2))
      rec.secrets.add(last.challenge)
      await rec.call(`recovery ${i}`, () => svc.verifySecondFactor(last.challenge, typed))
    }
    await rec.call('recovery reused', () => svc.verifySecondFactor(last.challenge, codes[0]), 'CHALLENGE_EXPIRED')

    const late = await rec.call('sign in late', () => svc.signIn('alice', P2))
    rec.secrets.add(late.challenge)
    clock.advance(301)
    await rec.call('2fa late', () => svc.verifySecondFactor(late.challenge, '000000'), 'CHALLENGE_EXPIRED')

    rec.recoveryCodes(await rec.call('regenerate', () => svc.regenerateRecoveryCodes('alice', P2), undefined, { isSecret: true }))
    await rec.call('disable wrong', () => svc.disableTotp('alice', WRONG), 'WRONG_PASSWORD')
    for (let i = 0; i < 10; i++) {
      // distinct wrong passwords: the same one typed again is counted once
      await rec.call(`lockout ${i}`, () => svc.signIn('alice', `${WRONG}${i}`), ['INVALID_CREDENTIALS', 'LOCKED_OUT'])
    }
    await rec.call('locked', () => svc.signIn('alice', P2), 'LOCKED_OUT')
    await rec.call('status', () => svc.status('alice'))

    clock.advance(61)
    await rec.call('set password', () => svc.setPassword('alice', P3))
    await rec.call('require change', () => svc.requirePasswordChange('alice'))
    const again = await rec.call('sign in after reset', () => svc.signIn('alice', P3))
    rec.secrets.add(again.challenge)
    await rec.call('reset 2fa', () => svc.resetTwoFactor('alice'))
    const done = await rec.call('sign in no 2fa', () => svc.signIn('alice', P3))
    assert.equal(done.status, 'action_required') // the admin asked for a change: no full session
    assert.deepEqual(done.requiredActions, ['change_password'])

    const events = await rec.call('events', () => svc.events('alice', { limit: 1000 }))
    const kinds = new Set(events.map((e) => e.kind))
    for (const k of ['password_changed', 'two_factor_enabled', 'recovery_code_used', 'code_reused', 'locked_out']) {
      assert.ok(kinds.has(k), k)
    }
    for (const e of events) rec.text(`event ${e.kind}`, e.detail)
    await rec.call('status', () => svc.statusSync('alice'))
    await rec.call('users', () => svc.listUsers('acme'))
  })
  rec.check(80)
})

test('the stateless primitives leak no secret', async () => {
  const rec = new Recorder()
  await capturingOutput(rec, async () => {
    const secret = authward.generateTotpSecret()
    rec.totpSecret(secret)
    const phc = await rec.call('hash', () => authward.hashPassword(P1, { params: CHEAP, pepper: PEPPER }))
    await rec.call('verify wrong', () => authward.verifyPassword(WRONG, phc, { pepper: PEPPER }))
    await rec.call('verify bad phc', () => authward.verifyPasswordSync(P1, `$argon2id$${P1}`), 'INVALID_ARGUMENT')
    await rec.call('rehash bad phc', () => authward.needsRehash(`$argon2id$v=19$${P2}`), 'INVALID_ARGUMENT')
    await rec.call('check', () => new authward.PasswordPolicy().check(WEAK, { userInputs: [P1] }))
    await rec.call('wrong type', () => authward.hashPasswordSync({ password: P1 }), 'ERR_INVALID_ARG_TYPE')
    await rec.call('wrong type async', () => authward.verifyPassword(P1, 42), 'ERR_INVALID_ARG_TYPE')
    const code = authward.totpCode(secret, { at: T0 })
    rec.codes.add(code)
    await rec.call('verify code', () => authward.verifyTotp(secret, code, { at: T0 }))
    await rec.call('bad secret', () => authward.totpCode(`${secret.toLowerCase()}!`, { at: T0 }), 'INVALID_ARGUMENT')
    await rec.call('short secret', () => authward.totpCode(secret.slice(0, 8), { at: T0 }), 'INVALID_ARGUMENT')
    const uri = authward.totpUri(secret, 'ACME', 'jane@example.com')
    rec.secrets.add(uri)
    await rec.call('parse bad', () => authward.parseTotpUri(uri.replace('secret=', 'secret=!')), 'INVALID_ARGUMENT')
    await rec.call('parse hotp', () => authward.parseTotpUri(uri.replace('totp', 'hotp')), 'INVALID_ARGUMENT')
    await rec.call('surrogate', () => authward.hashPasswordSync(`${P1}\ud800`), 'INVALID_ARGUMENT')
  })
  rec.check(20)
})
