'use strict'
// No secret in any message, inspect string or event detail.
//
// Runs the Security settings flows through the Node package (create with a refused password, change
// password with every failure, enrol with a wrong then a right code, sign in with wrong and right
// passwords and codes, a replayed code, recovery codes with and without dashes, lockout, events,
// status, key rotation, backup, the stateless primitives) while recording every error (message,
// String(), util.inspect with hidden properties, JSON, violations), every returned value as
// util.inspect (hidden properties, and again without custom inspection, getters shown), JSON.stringify
// and console.log print it, every event detail and everything written to stdout/stderr. None may
// contain a password (right, wrong, refused or new), pepper, key, TOTP secret (base32 any case, raw
// bytes as hex), its otpauth URI, a piece of its QR codes (SVG, PNG, terminal), a code, a recovery code
// (with or without dashes, any case) or a challenge. `SignIn` and `Enrollment` hand out the challenge
// and the secret through accessors only, which this test reads explicitly; the one exception is the
// recovery-code lists (plain arrays of the codes, by contract), which are never printed here.

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
const KEY = Buffer.alloc(32, 5)
const NEW_KEY = Buffer.alloc(32, 6)

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
    this.secrets = new Set([P1, P2, P3, WRONG, WEAK, PEPPER.toString(), PEPPER.toString('hex'), KEY.toString('hex'), NEW_KEY.toString('hex'), KEY.join(',')])
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
    this.text(`${where}: inspect`, value)
    this.text(`${where}: inspect, no custom`, util.inspect(value, { depth: 10, showHidden: true, customInspect: false }))
    this.text(`${where}: JSON`, String(JSON.stringify(value)))
    this.text(`${where}: String`, String(value))
    this.text(`${where}: format`, util.format('%s %o %j', value, value, value))
    if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !Array.isArray(value)) {
      this.text(`${where}: own properties`, JSON.stringify(Object.getOwnPropertyNames(value).map((k) => [k, String(value[k])])))
      this.text(`${where}: spread`, { ...value })
      const enumerated = {}
      for (const k in value) enumerated[k] = value[k] // eslint-disable-line guard-for-in
      this.text(`${where}: for-in`, enumerated)
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

  /** An enrolment's secret and everything that encodes it: the URI and pieces of each QR rendering. */
  enrollment(e) {
    this.totpSecret(e.secret)
    this.secrets.add(e.uri)
    this.secrets.add(encodeURIComponent(e.secret))
    for (const text of [e.qrSvg, e.qrTerminal]) {
      // 40-character windows from the first 4000 (util.inspect shortens long strings, not their start)
      for (let i = 0; i + 40 <= Math.min(text.length, 4000); i += 400) this.secrets.add(text.slice(i, i + 40))
    }
    const png = e.qrPng
    assert.ok(png.length > 100)
    // As util.inspect shows a Buffer (`<Buffer 89 50 …>`), as JSON does (`[137,80,…]`), and as base64.
    this.secrets.add([...png.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' '))
    this.secrets.add(png.subarray(0, 16).join(','))
    this.secrets.add(png.toString('base64').slice(0, 40))
    this.secrets.add(png.toString('hex').slice(0, 40))
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
    const svc = await authward.Authward.open(path.join(dir, 'leaks.db'), KEY, { clock, hashParams: CHEAP, pepper: PEPPER })
    rec.text('service', svc)
    rec.text('clock', clock)
    await rec.call('policy', () => svc.setAccountPolicy('acme', { lockout: { maxFailures: 10, lockoutSeconds: 60 } }))
    await rec.call('policy read', () => svc.accountPolicy('acme'))

    await rec.call('create weak', () => svc.createUser('alice', 'acme', WEAK), 'POLICY_VIOLATION')
    await rec.call('create', () => svc.createUser('alice', 'acme', P1, { email: 'alice@example.com' }))
    await rec.call('create again', () => svc.createUser('alice', 'acme', P1), 'ALREADY_EXISTS')
    await rec.call('create sync weak', () => svc.createUserSync('bob', 'acme', WEAK), 'POLICY_VIOLATION')

    clock.advance(86_400) // past the minimum password age
    await rec.call('change wrong', () => svc.changePassword('alice', WRONG, P2, P2), 'WRONG_PASSWORD')
    await rec.call('change mismatch', () => svc.changePassword('alice', P1, P2, P2 + 'x'), 'PASSWORD_MISMATCH')
    await rec.call('change weak', () => svc.changePassword('alice', P1, WEAK, WEAK), 'POLICY_VIOLATION')
    await rec.call('change same', () => svc.changePasswordSync('alice', P1, P1, P1), 'PASSWORD_REUSED')
    await rec.call('change', () => svc.changePassword('alice', P1, P2, P2))
    await rec.call('change again', () => svc.changePassword('alice', P2, P3, P3), 'POLICY_VIOLATION')
    clock.advance(86_400)
    await rec.call('change back', () => svc.changePassword('alice', P2, P1, P1), 'PASSWORD_REUSED')

    const enrollment = await rec.call('begin', () => svc.beginTotpEnrollment('alice', 'ACME'))
    rec.enrollment(enrollment)
    console.log('enrollment:', enrollment) // what an app's debug line prints
    assert.equal(enrollment.expiresAt, clock.now() + 900)
    // parseTotpUri hands back the app's own input: a plain object with the secret, left out here.
    assert.equal(authward.parseTotpUri(enrollment.uri).secret, enrollment.secret)
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
    console.log('sign-in:', first)
    console.error(JSON.stringify({ signIn: first }))
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

    await rec.call('backup', () => svc.backup(path.join(dir, 'copy.db')))
    await rec.call('backup again', () => svc.backupSync(path.join(dir, 'copy.db')), 'ALREADY_EXISTS')
    await rec.call('store info', () => svc.storeInfo())
    await rec.call('purge', () => svc.purgeEvents(1))
    await rec.call('purge 0', () => svc.purgeEventsSync(0), 'INVALID_ARGUMENT')
    const keys = { clock, hashParams: CHEAP, pepper: PEPPER }
    await rec.call('open new key', () => authward.Authward.open(path.join(dir, 'leaks.db'), NEW_KEY, keys), 'CRYPTO')
    await rec.call('short previous key', () => authward.Authward.open(path.join(dir, 'leaks.db'), NEW_KEY, { ...keys, previousKeys: [KEY.subarray(0, 31)] }), 'INVALID_ARGUMENT')
    await rec.call('wrong previous keys', () => authward.Authward.open(path.join(dir, 'leaks.db'), NEW_KEY, { ...keys, previousKeys: [KEY.toString('hex')] }), 'ERR_INVALID_ARG_TYPE')
    const rotated = await rec.call('open rotated', () => authward.Authward.open(path.join(dir, 'leaks.db'), NEW_KEY, { ...keys, previousKeys: [KEY] }))
    await rec.call('rekey', () => rotated.rekey())
    await rec.call('rekey 0', () => rotated.rekeySync(0), 'INVALID_ARGUMENT')
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

test('SignIn and Enrollment print redacted and hand out their secrets through accessors', async () => {
  const clock = new authward.ManualClock(T0)
  const svc = await authward.Authward.inMemory({ clock, hashParams: CHEAP })
  await svc.createUser('alice', 'acme', P1)
  const e = await svc.beginTotpEnrollment('alice', 'ACME')
  assert.ok(e instanceof authward.Enrollment)
  assert.match(e.secret, /^[A-Z2-7]{32}$/)
  assert.ok(e.uri.startsWith('otpauth://totp/ACME:alice?secret=') && e.uri.includes(e.secret))
  assert.match(e.qrSvg, /^<\?xml|^<svg/)
  assert.ok(e.qrPng.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
  assert.ok(e.qrTerminal.length > 100)
  assert.equal(e.expiresAt, T0 + 900)
  // Nothing of it is an own property, and the accessors are read-only.
  assert.deepEqual(Object.keys(e), [])
  assert.deepEqual({ ...e }, {})
  assert.throws(() => {
    e.secret = 'AAAA'
  }, TypeError)
  assert.equal(e.secret.length, 32)

  const redactedEnrollment = { secret: '<redacted>', uri: '<redacted>', qrSvg: '<redacted>', qrPng: '<redacted>', qrTerminal: '<redacted>', expiresAt: T0 + 900 }
  assert.deepEqual(JSON.parse(JSON.stringify(e)), redactedEnrollment)
  assert.deepEqual(JSON.parse(JSON.stringify({ nested: [e] })), { nested: [redactedEnrollment] })
  assert.equal(
    util.inspect(e),
    `Enrollment {\n  secret: '<redacted>',\n  uri: '<redacted>',\n  qrSvg: '<redacted>',\n  qrPng: '<redacted>',\n  qrTerminal: '<redacted>',\n  expiresAt: ${T0 + 900}\n}`,
  )
  assert.equal(util.inspect({ e }, { depth: 0 }), '{ e: [Enrollment] }')
  for (const text of [util.inspect(e, { showHidden: true, depth: null }), util.format('%o %O %j %s', e, e, e, e), util.inspect([e])]) {
    assert.ok(!text.includes(e.secret) && !text.includes(e.uri), text)
    assert.ok(!text.includes('<svg') && !text.includes('<Buffer'), text)
  }

  await svc.confirmTotpEnrollment('alice', authward.totpCode(e.secret, { at: T0 }))
  clock.advance(30)
  const s = await svc.signIn('alice', P1)
  assert.ok(s instanceof authward.SignIn)
  assert.equal(s.status, 'second_factor_required')
  assert.match(s.challenge, /^[A-Za-z0-9_-]{20,}$/)
  assert.deepEqual(Object.keys(s), [])
  const view = { status: 'second_factor_required', challenge: '<redacted>', requiredActions: [], credentialVersion: s.credentialVersion }
  assert.deepEqual(JSON.parse(JSON.stringify(s)), view)
  assert.deepEqual(s.toJSON(), view)
  assert.equal(util.inspect(s), `SignIn {\n  status: 'second_factor_required',\n  requiredActions: [],\n  credentialVersion: ${s.credentialVersion},\n  challenge: '<redacted>'\n}`)
  for (const text of [util.inspect(s, { showHidden: true, depth: null }), util.format('%o %O %j %s', s, s, s, s), JSON.stringify({ s })]) {
    assert.ok(!text.includes(s.challenge), text)
  }

  const done = await svc.verifySecondFactor(s.challenge, authward.totpCode(e.secret, { at: clock.now() }))
  assert.equal(done.status, 'complete')
  assert.equal(done.challenge, undefined)
  assert.equal(done.passwordExpiresAt, undefined)
  assert.deepEqual(done.toJSON(), { status: 'complete', requiredActions: [], credentialVersion: done.credentialVersion })
  assert.ok(!util.inspect(done).includes('challenge'), 'no challenge, nothing shown for it')
  // The classes are not constructible from JS.
  assert.throws(() => new authward.SignIn())
})
