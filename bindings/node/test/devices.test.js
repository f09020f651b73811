'use strict'
// Remembered devices through Node: a token only after a second factor that asked for one under a
// policy with rememberDeviceDays; it skips the code, never the password; wrong, revoked and
// post-change tokens are ignored; list and revoke; the token never shows in toJSON or util.inspect.

const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { authward, GOOD_PASSWORD, service, rejection, thrown } = require('./helpers')

const PW2 = 'another long passphrase, quite unguessable'

async function setup() {
  const { svc, clock } = await service()
  await svc.setAccountPolicy('acme', { rememberDeviceDays: 30, lockout: { maxFailures: 50 } })
  await svc.createUser('alice', 'acme', GOOD_PASSWORD)
  const e = await svc.beginTotpEnrollment('alice', 'Acme')
  await svc.confirmTotpEnrollment('alice', authward.totpCode(e.secret, { at: clock.now() }))
  const code = () => {
    clock.advance(30)
    return authward.totpCode(e.secret, { at: clock.now() })
  }
  const remember = async (label = 'Firefox', password = GOOD_PASSWORD) => {
    const first = await svc.signIn('alice', password)
    assert.equal(first.status, 'second_factor_required')
    assert.equal(first.deviceToken, undefined)
    return svc.verifySecondFactor(first.challenge, code(), { rememberDevice: label })
  }
  return { svc, clock, code, remember }
}

test('rememberDeviceDays: off by default, validated, round-trips', async () => {
  const { svc } = await setup()
  assert.equal((await svc.accountPolicy('acme')).rememberDeviceDays, 30)
  assert.equal((await svc.accountPolicy('other')).rememberDeviceDays, undefined)
  for (const bad of [0, 366, 1.5]) {
    assert.equal((await rejection(svc.setAccountPolicy('acme', { rememberDeviceDays: bad }))).code, 'INVALID_ARGUMENT')
  }
  await svc.setAccountPolicy('acme', { rememberDeviceDays: null })
  assert.equal((await svc.accountPolicy('acme')).rememberDeviceDays, undefined)
})

test('a token skips the code but never the password, and is redacted', async () => {
  const { svc, code, remember } = await setup()
  const plain = await svc.signIn('alice', GOOD_PASSWORD)
  assert.equal((await svc.verifySecondFactor(plain.challenge, code())).deviceToken, undefined)
  const done = await remember('Firefox on Linux')
  assert.equal(done.status, 'complete')
  const token = done.deviceToken
  assert.equal(typeof token, 'string')
  assert.equal(token.length, 43)
  assert.equal(done.toJSON().deviceToken, '<redacted>')
  assert.ok(!JSON.stringify(done).includes(token))
  assert.ok(!util.inspect(done).includes(token) && util.inspect(done).includes('<redacted>'))
  assert.ok(!Object.keys(done).includes('deviceToken'))
  const skipped = await svc.signIn('alice', GOOD_PASSWORD, { deviceToken: token })
  assert.equal(skipped.status, 'complete')
  assert.equal(skipped.challenge, undefined)
  const sync = svc.signInSync('alice', GOOD_PASSWORD, { deviceToken: token })
  assert.equal(sync.status, 'complete')
  assert.equal((await rejection(svc.signIn('alice', PW2, { deviceToken: token }))).code, 'INVALID_CREDENTIALS')
  const events = await svc.events('alice')
  const remembered = events.filter((e) => e.kind === 'device_remembered')
  assert.equal(remembered.length, 1)
  assert.ok(remembered[0].notify && remembered[0].detail.includes('Firefox on Linux'))
  assert.ok(events.some((e) => e.kind === 'sign_in' && e.detail.includes('remembered device')))
  assert.ok(events.every((e) => !e.detail.includes(token)))
})

test('wrong tokens are ignored; labels and option types are checked', async () => {
  const { svc, code, remember } = await setup()
  const { deviceToken: token } = await remember()
  const wrong = (token[0] === 'A' ? 'B' : 'A') + token.slice(1)
  for (const t of [wrong, '', 'x'.repeat(10_000), 'not a token']) {
    assert.equal((await svc.signIn('alice', GOOD_PASSWORD, { deviceToken: t })).status, 'second_factor_required')
  }
  assert.equal((await svc.status('alice')).lockedUntil, undefined)
  const err = await rejection(svc.signIn('alice', GOOD_PASSWORD, { deviceToken: 42 }))
  assert.ok(err instanceof TypeError)
  const first = await svc.signIn('alice', GOOD_PASSWORD)
  for (const label of ['x'.repeat(201), 'line\nbreak']) {
    const e = await rejection(svc.verifySecondFactor(first.challenge, code(), { rememberDevice: label }))
    assert.equal(e.code, 'INVALID_ARGUMENT')
  }
  assert.ok(thrown(() => svc.verifySecondFactorSync(first.challenge, '123456', { rememberDevcie: 'x' })) instanceof TypeError)
})

test('no token while the policy is off', async () => {
  const { svc, remember } = await setup()
  const { deviceToken: token } = await remember()
  await svc.setAccountPolicy('acme', {})
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD, { deviceToken: token })).status, 'second_factor_required')
  const again = await remember()
  assert.equal(again.status, 'complete')
  assert.equal(again.deviceToken, undefined)
})

test('list, revoke one, revoke all, and a password reset forgets them', async () => {
  const { svc, remember } = await setup()
  const t1 = (await remember('one')).deviceToken
  const t2 = (await remember('two')).deviceToken
  const devices = await svc.listDevices('alice')
  assert.deepEqual(devices.map((d) => d.label), ['two', 'one'])
  assert.deepEqual(Object.keys(devices[0]).sort(), ['createdAt', 'expiresAt', 'id', 'label', 'lastUsedAt'])
  assert.equal(devices[0].id.length, 16)
  assert.equal(devices[0].expiresAt, devices[0].createdAt + 30 * 86_400)
  await svc.revokeDevice('alice', devices[0].id)
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD, { deviceToken: t2 })).status, 'second_factor_required')
  assert.equal((await rejection(svc.revokeDevice('alice', devices[0].id))).code, 'NOT_FOUND')
  assert.equal((await rejection(svc.listDevices('nobody'))).code, 'NOT_FOUND')
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD, { deviceToken: t1 })).status, 'complete')
  assert.equal(svc.listDevicesSync('alice').length, 1)
  await svc.setPassword('alice', PW2)
  assert.deepEqual(await svc.listDevices('alice'), [])
  assert.equal((await svc.signIn('alice', PW2, { deviceToken: t1 })).status, 'second_factor_required')
  const t3 = (await remember('three', PW2)).deviceToken
  assert.equal(await svc.revokeAllDevices('alice'), 1)
  assert.equal(svc.revokeAllDevicesSync('alice'), 0)
  assert.equal((await svc.signIn('alice', PW2, { deviceToken: t3 })).status, 'second_factor_required')
  assert.equal(thrown(() => svc.revokeDeviceSync('alice', 'x'.repeat(16))).code, 'NOT_FOUND')
})
