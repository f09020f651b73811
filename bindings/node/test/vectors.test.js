'use strict'
// The shared known-answer vectors of tests/vectors/, as every binding's suite walks them.

const test = require('node:test')
const assert = require('node:assert/strict')
const { authward, vectors } = require('./helpers')

test('the error-code table matches tests/vectors/errors.json', () => {
  const table = vectors('errors.json')
  const ours = authward.errorCodes()
  assert.deepEqual(
    ours.map(({ name, value }) => ({ name, value })),
    table.map(({ name, value }) => ({ name, value })),
  )
  for (const c of ours) assert.ok(c.description.length > 0, c.name)
})

test('thrown errors carry a code from the table and its number', () => {
  const byName = new Map(authward.errorCodes().map((c) => [c.name, c.value]))
  const err = (() => {
    try {
      authward.totpCode('not base32 !!!')
    } catch (e) {
      return e
    }
  })()
  assert.ok(err instanceof Error)
  assert.equal(err.code, 'INVALID_ARGUMENT')
  assert.equal(err.errno, byName.get('INVALID_ARGUMENT'))
})

test('RFC 6238 TOTP vectors: codes and verification (SHA1, SHA256, SHA512)', () => {
  const { totp } = vectors('totp.json')
  assert.ok(totp.length >= 18)
  for (const v of totp) {
    const config = { algorithm: v.algorithm, digits: v.digits, period: v.period }
    assert.equal(authward.totpCode(v.secret_base32, { at: v.time, config }), v.code, `${v.algorithm} at ${v.time}`)
    assert.equal(authward.verifyTotp(v.secret_base32, v.code, { at: v.time, config }), v.step)
    // Replay: the same step is refused once it was used.
    assert.equal(authward.verifyTotp(v.secret_base32, v.code, { at: v.time, lastStep: v.step, config }), null)
  }
})

test('RFC 4226 HOTP vectors through TOTP with a 1-second period (counter = time)', () => {
  const { hotp } = vectors('totp.json')
  assert.ok(hotp.vectors.length >= 10)
  const config = { algorithm: hotp.algorithm, digits: hotp.digits, period: 1, window: 0 }
  for (const v of hotp.vectors) {
    assert.equal(authward.totpCode(hotp.secret_base32, { at: v.counter, config }), v.code, `counter ${v.counter}`)
    assert.equal(authward.verifyTotp(hotp.secret_base32, v.code, { at: v.counter, config }), v.counter)
  }
})

test('Argon2 PHC vectors from argon2-cffi verify, wrong passwords do not, needsRehash agrees', async () => {
  const { phc } = vectors('argon2.json')
  assert.ok(phc.length >= 9)
  for (const v of phc) {
    assert.equal(await authward.verifyPassword(v.password, v.phc), true, v.note)
    assert.equal(authward.verifyPasswordSync(`${v.password}x`, v.phc), false, v.note)
    assert.equal(authward.needsRehash(v.phc), v.needs_rehash_at_default, v.note)
  }
})
