'use strict'
// Breached passwords through Node (issue 17): BreachFilter (build, save, load, refuse bad bytes),
// BREACHED at create / change / admin reset, a listed password at sign-in requires a change, the
// policy switch, and the k-anonymity range helper (prefix, judge, threshold, fail open/closed).

const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { authward, CHEAP, rejection, thrown } = require('./helpers')

const LISTED = 'correct horse battery staple'
const FRESH = 'purple elephant dancing quietly'
const FRESH2 = 'seventeen orange umbrellas sing'
// SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
const PASSWORD_SUFFIX = '1E4C9B93F3F0682250B6CF8331B7EE68FD8'
const sha1 = (s) => crypto.createHash('sha1').update(s, 'utf8').digest('hex')
const LIST = `hunter2\r\n${sha1(LISTED)}\n\nhunter2\n`

const codes = (err) => err.violations.map((v) => v.code)

test('a filter lists plaintext and SHA-1 lines, built async or sync, from a string or a Buffer', async () => {
  const f = await authward.BreachFilter.fromList(LIST)
  assert.ok(f instanceof authward.BreachFilter)
  assert.equal(f.entries, 2)
  assert.ok(f.contains('hunter2') && f.contains(LISTED))
  assert.ok(!f.contains(FRESH))
  assert.equal(authward.BREACH_FALSE_POSITIVE_RATE, 1 / 65536)
  const g = authward.BreachFilter.fromListSync(Buffer.from(`${LIST}\xff\xfe not utf-8\n`, 'latin1'))
  assert.equal(g.entries, 3)
  const hashed = Array.from({ length: 2000 }, (_, i) => `hashed entry ${i}`)
  const big = authward.BreachFilter.fromListSync(hashed.map((p, i) => `${sha1(p).toUpperCase()}:${i + 1}`).join('\n'))
  assert.equal(big.entries, 2000)
  assert.ok(hashed.every((p) => big.contains(p)))
  assert.equal(thrown(() => f.contains(42)).code, 'ERR_INVALID_ARG_TYPE')
  assert.equal((await rejection(authward.BreachFilter.fromList(42))).code, 'ERR_INVALID_ARG_TYPE')
})

test('false positives are rare', () => {
  const f = authward.BreachFilter.fromListSync(Array.from({ length: 50_000 }, (_, i) => `in-${i}`).join('\n'))
  let fp = 0
  for (let i = 0; i < 200_000; i++) fp += f.contains(`out-${i}`) ? 1 : 0
  assert.ok(fp < (4 * 200_000) / 65536, `${fp} false positives`) // ~3 expected; 1/256 would give ~780
})

test('round trip through bytes and files; bad bytes are INVALID_ARGUMENT', async () => {
  const f = authward.BreachFilter.fromListSync(LIST)
  const bytes = f.toBytes()
  assert.ok(Buffer.isBuffer(bytes) && bytes.length === f.sizeBytes)
  assert.equal(bytes.subarray(0, 8).toString(), 'AWBREACH')
  assert.ok(authward.BreachFilter.fromBytes(bytes).contains(LISTED))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authward-breach-'))
  const file = path.join(dir, 'list.filter')
  const list = path.join(dir, 'list.txt')
  fs.writeFileSync(file, bytes)
  fs.writeFileSync(list, LIST)
  assert.equal(authward.BreachFilter.load(file).entries, 2)
  assert.equal((await authward.BreachFilter.fromListFile(list)).entries, 2)
  assert.equal(authward.BreachFilter.fromListFileSync(list).entries, 2)
  assert.equal((await rejection(authward.BreachFilter.fromListFile(path.join(dir, 'missing.txt')))).code, 'INVALID_ARGUMENT')
  assert.equal(thrown(() => authward.BreachFilter.load(list)).code, 'INVALID_ARGUMENT')
  const corrupted = Buffer.from(bytes)
  corrupted[corrupted.length >> 1] ^= 1
  for (const bad of [bytes.subarray(0, bytes.length - 1), corrupted, Buffer.alloc(0), Buffer.from('GIF89a not a filter')]) {
    const err = thrown(() => authward.BreachFilter.fromBytes(bad))
    assert.ok(err instanceof authward.AuthwardError)
    assert.equal(err.code, 'INVALID_ARGUMENT')
  }
  assert.equal(thrown(() => authward.BreachFilter.fromBytes('AWBREACH')).code, 'ERR_INVALID_ARG_TYPE')
  fs.rmSync(dir, { recursive: true })
})

test('policy fields: defaults, validation, rules and the stateless check', () => {
  const p = new authward.PasswordPolicy()
  assert.equal(p.rejectBreached, true)
  assert.equal(p.breachMinCount, 1)
  assert.equal(p.breachFailClosed, false)
  assert.deepEqual(
    [p.toJSON().rejectBreached, p.toJSON().breachMinCount, p.toJSON().breachFailClosed],
    [true, 1, false],
  )
  for (const bad of [0, 1_000_000_001, 1.5, -1]) {
    assert.equal(thrown(() => new authward.PasswordPolicy({ breachMinCount: bad })).code, 'INVALID_ARGUMENT')
  }
  assert.ok(!p.rules().some((r) => r.code === 'BREACHED'))
  assert.ok(p.rules({ breachCheck: true }).some((r) => r.code === 'BREACHED'))
  const off = new authward.PasswordPolicy({ rejectBreached: false })
  assert.ok(!off.rules({ breachCheck: true }).some((r) => r.code === 'BREACHED'))
  const f = authward.BreachFilter.fromListSync(LIST)
  assert.deepEqual(p.check(LISTED, { breached: f }).map((v) => v.code), ['BREACHED'])
  assert.deepEqual(p.check(LISTED), [])
  assert.deepEqual(off.check(LISTED, { breached: f }), [])
})

test('BREACHED at create, change and admin reset; sign-in with a listed password requires a change', async () => {
  const breachedPasswords = authward.BreachFilter.fromListSync(LIST)
  const clock = new authward.ManualClock(1_800_000_000)
  const svc = await authward.Authward.inMemory({ clock, hashParams: CHEAP, breachedPasswords })
  let err = await rejection(svc.createUser('alice', 'acme', LISTED))
  assert.equal(err.code, 'POLICY_VIOLATION')
  assert.deepEqual(codes(err), ['BREACHED'])
  assert.ok(!err.message.includes(LISTED) && !err.violations[0].message.includes(LISTED))
  err = await rejection(svc.createUser('alice', 'acme', 'hunter2'))
  assert.deepEqual(codes(err), ['TOO_SHORT', 'TOO_WEAK', 'BREACHED'])

  // a user created while the account had the check off
  await svc.setAccountPolicy('acme', { password: { minAgeDays: 0, rejectBreached: false } })
  await svc.createUser('alice', 'acme', LISTED)
  assert.equal((await svc.signIn('alice', LISTED)).status, 'complete')
  await svc.setAccountPolicy('acme', { password: { minAgeDays: 0 } })
  assert.equal((await svc.accountPolicy('acme')).password.rejectBreached, true)
  const s = await svc.signIn('alice', LISTED)
  assert.equal(s.status, 'action_required')
  assert.deepEqual(s.requiredActions, ['change_password'])
  assert.deepEqual(codes(await rejection(svc.setPassword('alice', LISTED))), ['BREACHED'])
  await svc.changePassword('alice', LISTED, FRESH, FRESH)
  assert.equal((await svc.signIn('alice', FRESH)).status, 'complete')
  assert.deepEqual(codes(await rejection(svc.changePassword('alice', FRESH, LISTED, LISTED))), ['BREACHED'])
  await svc.changePassword('alice', FRESH, FRESH2, FRESH2)
  assert.equal((await rejection(authward.Authward.inMemory({ breachedPasswords: 'list.filter' }))).code, 'ERR_INVALID_ARG_TYPE')
})

test('rangePrefix and judgeRange: known SHA-1, threshold, padding, fail open/closed, malformed', () => {
  assert.equal(authward.rangePrefix('password'), '5BAA6')
  assert.equal(authward.rangePrefix('P@ssw0rd'), '21BD1')
  const body = `0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n${PASSWORD_SUFFIX.toLowerCase()}:3861493\r\n011053FD0102E94D6AE2F8B83D76FAF94F6:0\r\n`
  const v = authward.judgeRange('password', body)
  assert.equal(v.count, 3861493)
  assert.equal(v.breached, true)
  assert.equal(v.violation.code, 'BREACHED')
  const clean = authward.judgeRange(FRESH, body)
  assert.deepEqual([clean.count, clean.breached, clean.violation ?? null], [0, false, null])
  assert.equal(authward.judgeRange('password', `${PASSWORD_SUFFIX}:0\n`).breached, false)
  const at = (n) => ({ policy: { breachMinCount: n } })
  assert.equal(authward.judgeRange('password', `${PASSWORD_SUFFIX}:10\n`, at(10)).breached, true)
  assert.equal(authward.judgeRange('password', `${PASSWORD_SUFFIX}:10\n`, at(11)).breached, false)
  const open = authward.judgeRange('password', null)
  assert.deepEqual([open.count ?? null, open.breached], [null, false])
  assert.equal(authward.judgeRange('password', null, { policy: { breachFailClosed: true } }).breached, true)
  const err = thrown(() => authward.judgeRange('password', '<html>rate limited</html>'))
  assert.equal(err.code, 'INVALID_ARGUMENT')
  assert.match(err.message, /malformed range response at line 1/)
  assert.equal(thrown(() => authward.judgeRange('password', body, { polcy: {} })).code, 'ERR_INVALID_ARG_VALUE')
})
