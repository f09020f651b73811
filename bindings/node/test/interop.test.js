'use strict'
// Interop with what Node users already have: otplib and otpauth for TOTP, the `argon2` and
// `@node-rs/argon2` packages for hashes, jsqr + pngjs to read the QR PNG back.

const test = require('node:test')
const assert = require('node:assert/strict')
const otplib = require('otplib')
const OTPAuth = require('otpauth')
const argon2 = require('argon2')
const nodeRsArgon2 = require('@node-rs/argon2')
const jsQR = require('jsqr')
const { PNG } = require('pngjs')
const { authward, CHEAP } = require('./helpers')

const T = 1_750_000_000

test('otplib codes verify in authward and authward codes verify in otplib', () => {
  for (let i = 0; i < 20; i++) {
    const secret = authward.generateTotpSecret()
    const at = T + i * 997
    const theirs = otplib.generateSync({ secret, epoch: at })
    assert.equal(authward.verifyTotp(secret, theirs, { at }), Math.floor(at / 30))
    const ours = authward.totpCode(secret, { at })
    assert.equal(ours, theirs)
    assert.equal(otplib.verifySync({ secret, token: ours, epoch: at }).valid, true)
    // The previous step's code is inside the default window on both sides, two steps back is not.
    const old = otplib.generateSync({ secret, epoch: at - 30 })
    assert.notEqual(authward.verifyTotp(secret, old, { at }), null)
    const older = otplib.generateSync({ secret, epoch: at - 60 })
    if (older !== ours && older !== old) assert.equal(authward.verifyTotp(secret, older, { at }), null)
  }
  // A secret made by otplib works in authward.
  const theirSecret = otplib.generateSecret()
  assert.equal(authward.totpCode(theirSecret, { at: T }), otplib.generateSync({ secret: theirSecret, epoch: T }))
})

test('otpauth codes and URIs agree with authward (SHA1/SHA256/SHA512, 6 and 8 digits)', () => {
  for (const [algorithm, digits, period] of [
    ['SHA1', 6, 30],
    ['SHA256', 8, 30],
    ['SHA512', 8, 60],
  ]) {
    const secret = authward.generateTotpSecret()
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm, digits, period })
    const config = { algorithm, digits, period }
    const theirs = totp.generate({ timestamp: T * 1000 })
    assert.equal(authward.totpCode(secret, { at: T, config }), theirs)
    assert.equal(authward.verifyTotp(secret, theirs, { at: T + period, config }), Math.floor(T / period))
    assert.equal(totp.validate({ token: authward.totpCode(secret, { at: T, config }), timestamp: T * 1000, window: 1 }), 0)
    // authward's URI parses in otpauth, otpauth's URI parses in authward.
    const uri = authward.totpUri(secret, 'Acme Co', 'alice@example.com', { config })
    const parsed = OTPAuth.URI.parse(uri)
    assert.equal(parsed.secret.base32, secret)
    assert.equal(parsed.issuer, 'Acme Co')
    assert.equal(parsed.label, 'alice@example.com')
    assert.equal(parsed.algorithm, algorithm)
    assert.equal(parsed.digits, digits)
    assert.equal(parsed.period, period)
    const back = authward.parseTotpUri(
      new OTPAuth.TOTP({ issuer: 'Other', label: 'bob', secret: OTPAuth.Secret.fromBase32(secret), algorithm, digits, period }).toString(),
    )
    assert.deepEqual(back, { secret, issuer: 'Other', accountName: 'bob', config: { algorithm, digits, period, window: 1 } })
  }
})

test('hashes from the argon2 package verify in authward and authward hashes verify in it', async () => {
  const password = 'pässwörd with spaces ✓'
  const theirs = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 2 })
  assert.equal(await authward.verifyPassword(password, theirs), true)
  assert.equal(await authward.verifyPassword('wrong', theirs), false)
  const argon2i = await argon2.hash(password, { type: argon2.argon2i, memoryCost: 2048, timeCost: 2, parallelism: 1 })
  assert.equal(await authward.verifyPassword(password, argon2i), true)
  assert.equal(authward.needsRehash(argon2i), true)

  const ours = await authward.hashPassword(password, { params: CHEAP })
  assert.equal(await argon2.verify(ours, password), true)
  assert.equal(await argon2.verify(ours, 'wrong'), false)
  const owasp = await authward.hashPassword(password)
  assert.match(owasp, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  assert.equal(await argon2.verify(owasp, password), true)
})

test('hashes from @node-rs/argon2 verify in authward and authward hashes verify in it', async () => {
  const password = 'correct horse battery staple'
  const theirs = await nodeRsArgon2.hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 })
  assert.equal(await authward.verifyPassword(password, theirs), true)
  assert.equal(authward.verifyPasswordSync('Correct horse battery staple', theirs), false)
  assert.equal(authward.needsRehash(theirs), false)

  const ours = authward.hashPasswordSync(password, { params: { memoryKib: 2048, iterations: 3, parallelism: 2 } })
  assert.equal(await nodeRsArgon2.verify(ours, password), true)
  assert.equal(await nodeRsArgon2.verify(ours, `${password}!`), false)
})

function decodePng(buffer) {
  const png = PNG.sync.read(buffer)
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)
  assert.ok(found, 'no QR code found in the PNG')
  return found.data
}

test('a QR PNG decodes back to the exact URI (jsqr + pngjs)', () => {
  const secret = authward.generateTotpSecret()
  const uri = authward.totpUri(secret, 'Acme & Co', 'zoë+test@example.com')
  const png = authward.qrPng(uri)
  assert.ok(Buffer.isBuffer(png))
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  assert.equal(decodePng(png), uri)
  assert.equal(decodePng(authward.qrPng(uri, { scale: 3 })), uri)
  assert.equal(authward.parseTotpUri(decodePng(png)).secret, secret)

  const svg = authward.qrSvg(uri)
  assert.equal(typeof svg, 'string')
  assert.match(svg, /<svg[\s\S]*<\/svg>\s*$/)
  const term = authward.qrTerminal(uri)
  assert.ok(term.split('\n').length > 10)
})

test('the enrolment QR PNG decodes to the enrolment URI, whose secret otplib accepts', async () => {
  const clock = new authward.ManualClock(T)
  const svc = await authward.Authward.inMemory({ clock, hashParams: CHEAP })
  await svc.createUser('alice', 'acme', 'correct horse battery staple')
  const enrollment = await svc.beginTotpEnrollment('alice', 'Acme')
  assert.equal(decodePng(enrollment.qrPng), enrollment.uri)
  const { secret } = OTPAuth.URI.parse(enrollment.uri)
  assert.equal(secret.base32, enrollment.secret)
  const code = otplib.generateSync({ secret: enrollment.secret, epoch: T })
  const recovery = await svc.confirmTotpEnrollment('alice', code)
  assert.equal(recovery.length, 10)
})
