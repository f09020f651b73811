'use strict'
// The lockout under attack, through Node (issue 11): concurrency on the libuv pool, the budget shared
// by passwords and codes, unknown ids, many clients, required actions, re-enrolment proof.

const test = require('node:test')
const assert = require('node:assert/strict')
const { authward, GOOD_PASSWORD, service, rejection } = require('./helpers')

async function lockedService(lockout) {
  const env = await service()
  await env.svc.setAccountPolicy('acme', { lockout })
  await env.svc.createUser('alice', 'acme', GOOD_PASSWORD)
  return env
}

async function enrol(svc, clock) {
  const e = await svc.beginTotpEnrollment('alice', 'Acme')
  await svc.confirmTotpEnrollment('alice', authward.totpCode(e.secret, { at: clock.now() }))
  clock.advance(30)
  return e.secret
}

function wrongCode(secret, clock) {
  const right = Number(authward.totpCode(secret, { at: clock.now() }))
  return String((right + 500000) % 1000000).padStart(6, '0')
}

test('200 concurrent wrong passwords on the libuv pool judge at most maxFailures', async () => {
  const { svc } = await lockedService({ maxFailures: 5, lockoutSeconds: 3600 })
  const outcomes = await Promise.all(
    Array.from({ length: 200 }, (_, i) => rejection(svc.signIn('alice', `wrong guess ${i}`)).then((e) => e.code)),
  )
  assert.equal(outcomes.filter((c) => c === 'INVALID_CREDENTIALS').length, 5)
  assert.equal(outcomes.filter((c) => c === 'LOCKED_OUT').length, 195)
})

test('knowing the password gives no extra code guesses', async () => {
  const { svc, clock } = await lockedService({ maxFailures: 3, lockoutSeconds: 86400 })
  const secret = await enrol(svc, clock)
  let judged = 0
  for (let i = 0; i < 30; i++) {
    let step
    try {
      step = await svc.signIn('alice', GOOD_PASSWORD)
    } catch (e) {
      assert.equal(e.code, 'LOCKED_OUT')
      continue
    }
    const err = await rejection(svc.verifySecondFactor(step.challenge, wrongCode(secret, clock)))
    if (err.code === 'INVALID_CODE') judged++
    else assert.equal(err.code, 'LOCKED_OUT')
  }
  assert.equal(judged, 3)
})

test('unknown and known ids answer alike, also once locked', async () => {
  const { svc } = await lockedService({})
  const answers = async (user) => {
    const out = []
    for (let i = 0; i < 7; i++) {
      const e = await rejection(svc.signIn(user, `wrong guess ${i}`))
      out.push([e.code, e.retryAfter])
    }
    return out
  }
  const known = await answers('alice')
  assert.deepEqual(await answers('nobody'), known)
  assert.equal(known[5][0], 'LOCKED_OUT')
})

test('strangers from many clients never lock out a familiar client', async () => {
  const { svc } = await lockedService({ maxFailures: 5, lockoutSeconds: 300 })
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD, { client: '203.0.113.7' })).status, 'complete')
  let judged = 0
  for (let i = 0; i < 300; i++) {
    const e = await rejection(svc.signIn('alice', `spray ${i}`, { client: `10.0.${i >> 8}.${i & 255}` }))
    if (e.code === 'INVALID_CREDENTIALS') judged++
  }
  assert.equal(judged, 20)
  assert.equal((await svc.status('alice')).lockReason, 'unfamiliar_clients')
  assert.equal((await svc.signIn('alice', GOOD_PASSWORD, { client: '203.0.113.7' })).status, 'complete')
  assert.equal((await rejection(svc.signIn('alice', GOOD_PASSWORD, { client: '192.0.2.1' }))).code, 'LOCKED_OUT')
})

test('required actions fail closed; admin unlock; replacing the authenticator needs proof', async () => {
  const { svc, clock } = await lockedService({ maxFailures: 2, lockoutSeconds: 600 })
  await svc.requirePasswordChange('alice')
  const s = await svc.signIn('alice', GOOD_PASSWORD)
  assert.equal(s.status, 'action_required')
  assert.deepEqual(s.requiredActions, ['change_password'])

  await rejection(svc.signIn('alice', 'guess one'))
  await rejection(svc.signIn('alice', 'guess two'))
  assert.equal((await svc.status('alice')).lockReason, 'too_many_failures')
  await svc.unlockUser('alice')
  assert.equal((await svc.status('alice')).lockedUntil, undefined)

  await enrol(svc, clock)
  const before = (await svc.status('alice')).credentialVersion
  assert.equal((await rejection(svc.beginTotpEnrollment('alice', 'Acme'))).code, 'WRONG_PASSWORD')
  const e = await svc.beginTotpEnrollment('alice', 'Acme', { password: GOOD_PASSWORD })
  await svc.confirmTotpEnrollment('alice', authward.totpCode(e.secret, { at: clock.now() }))
  assert.ok((await svc.status('alice')).credentialVersion > before)
  const kinds = (await svc.events('alice')).map((ev) => ev.kind)
  for (const k of ['two_factor_replaced', 'unlocked', 'locked_out']) assert.ok(kinds.includes(k), `${k} in ${kinds}`)
})
