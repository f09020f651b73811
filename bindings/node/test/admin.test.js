'use strict'
// The admin's view through Node: exemption from enforced 2FA, an enforcement start date, and the
// account report (sorted, paged, with the last complete sign-in).

const test = require('node:test')
const assert = require('node:assert/strict')
const { authward, GOOD_PASSWORD, service, rejection, thrown } = require('./helpers')

const DAY = 86_400

test('an exempt user is let in without 2FA under enforcement, until the exemption ends', async () => {
  const { svc } = await service()
  await svc.createUser('svc', 'acme', GOOD_PASSWORD)
  await svc.setAccountPolicy('acme', { enforceTwoFactor: true })
  assert.equal((await svc.signIn('svc', GOOD_PASSWORD)).status, 'action_required')
  await svc.setTwoFactorExempt('svc', true)
  const s = await svc.signIn('svc', GOOD_PASSWORD)
  assert.deepEqual([s.status, s.requiredActions], ['complete', []])
  const events = await svc.events('svc')
  assert.ok(events.some((e) => e.kind === 'policy_changed' && e.detail.includes('exempted')))
  svc.setTwoFactorExemptSync('svc', false)
  assert.equal(svc.signInSync('svc', GOOD_PASSWORD).status, 'action_required')
  assert.equal((await rejection(svc.setTwoFactorExempt('nobody', true))).code, 'NOT_FOUND')
  assert.ok(thrown(() => svc.setTwoFactorExemptSync('svc', 'yes')) instanceof TypeError)
})

test('enforcement can start on a date', async () => {
  const { clock, svc } = await service()
  await svc.createUser('ada', 'acme', GOOD_PASSWORD)
  const start = clock.now() + 10 * DAY
  await svc.setAccountPolicy('acme', { enforceTwoFactor: true, twoFactorGraceDays: 3, enforceTwoFactorFrom: start })
  assert.equal((await svc.accountPolicy('acme')).enforceTwoFactorFrom, start)
  const s = await svc.signIn('ada', GOOD_PASSWORD)
  assert.deepEqual([s.status, s.requiredActions], ['complete', ['enroll_two_factor']])
  clock.set(start + 3 * DAY)
  assert.equal((await svc.signIn('ada', GOOD_PASSWORD)).status, 'action_required')
  const bad = await rejection(svc.setAccountPolicy('acme', { enforceTwoFactorFrom: 1e15 }))
  assert.equal(bad.code, 'INVALID_ARGUMENT')
  assert.equal((await svc.accountPolicy('other')).enforceTwoFactorFrom, undefined)
})

test('the account report puts the overdue first, pages and counts', async () => {
  const { clock, svc } = await service()
  for (const u of ['ann', 'ben', 'cat']) await svc.createUser(u, 'acme', GOOD_PASSWORD)
  await svc.setAccountPolicy('acme', { enforceTwoFactor: true, twoFactorGraceDays: 7 })
  await svc.setTwoFactorExempt('cat', true)
  const e = await svc.beginTotpEnrollment('ann', 'Acme')
  await svc.confirmTotpEnrollment('ann', authward.totpCode(e.secret, { at: clock.now() }))
  const t0 = clock.now()
  clock.advance(8 * DAY)
  await svc.signIn('cat', GOOD_PASSWORD)
  const r = await svc.accountReport('acme')
  assert.deepEqual([r.total, r.overdue, r.due, r.at], [3, 1, 0, clock.now()])
  const ben = r.users[0]
  assert.deepEqual(
    [ben.userId, ben.attention, ben.twoFactorEnabled, ben.twoFactorDeadline, ben.passwordAgeDays, ben.requiredActions],
    ['ben', 'overdue', false, t0 + 7 * DAY, 8, ['enroll_two_factor']],
  )
  const cat = r.users.find((u) => u.userId === 'cat')
  assert.deepEqual([cat.twoFactorExempt, cat.lastSignInAt, cat.attention], [true, clock.now(), 'fine'])
  const page = svc.accountReportSync('acme', { sort: 'user_id', offset: 1, limit: 1 })
  assert.deepEqual(page.users.map((u) => u.userId), ['ben'])
  const bySignIn = await svc.accountReport('acme', { sort: 'last_sign_in' })
  assert.equal(bySignIn.users.at(-1).userId, 'cat')
  assert.equal((await rejection(svc.accountReport('acme', { sort: 'oldest' }))).code, 'INVALID_ARGUMENT')
  assert.equal((await rejection(svc.accountReport('acme', { limit: 0 }))).code, 'INVALID_ARGUMENT')
  assert.equal((await svc.accountReport('nobody')).total, 0)
})

test('admin calls record their actor in the event and the audit log', async () => {
  const { clock, svc } = await service()
  await svc.createUser('ann', 'acme', GOOD_PASSWORD)
  await svc.setAccountPolicy('acme', {}, { actor: 'root@acme.example' })
  clock.advance(1)
  await svc.unlockUser('ann', { actor: 'helpdesk@acme.example' })
  clock.advance(1)
  svc.requirePasswordChangeSync('ann')
  await svc.signIn('ann', GOOD_PASSWORD) // the user's own doing: not in the audit log
  const log = await svc.auditLog('acme')
  assert.deepEqual(
    log.map((e) => [e.userId, e.event.kind, e.event.actor]),
    [
      ['ann', 'policy_changed', 'admin'],
      ['ann', 'unlocked', 'helpdesk@acme.example'],
      [undefined, 'policy_changed', 'root@acme.example'],
    ],
  )
  assert.equal(svc.auditLogSync('acme', { limit: 1 }).length, 1)
  const mine = await svc.events('ann')
  // The entry's event is the one in ann's own log.
  assert.ok(mine.some((e) => JSON.stringify(e) === JSON.stringify(log[1].event)))
  assert.ok(mine.some((e) => e.kind === 'unlocked' && e.actor === 'helpdesk@acme.example'))
  assert.ok(mine.filter((e) => e.kind === 'sign_in').every((e) => e.actor === undefined))
  assert.equal((await rejection(svc.unlockUser('ann', { actor: '' }))).code, 'INVALID_ARGUMENT')
  assert.ok(thrown(() => svc.unlockUserSync('ann', { actor: 5 })) instanceof TypeError)
  assert.ok(thrown(() => svc.unlockUserSync('ann', { actr: 'x' })) instanceof TypeError)
})
