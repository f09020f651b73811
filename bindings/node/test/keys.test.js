'use strict'
// Keeping a store from Node (issue 12 findings 6 and 7, issue 13's retention): key rotation with
// `previousKeys` and `rekey()`, `backup()` instead of a second SQLite on the file, `storeInfo()` for
// a health check, `purgeEvents()` on a manual clock. Mirrors bindings/python/tests/test_keys.py.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { authward, CHEAP, GOOD_PASSWORD, rejection, thrown } = require('./helpers')

const OLD = Buffer.alloc(32, 1)
const NEW = Buffer.alloc(32, 2)
const T0 = 1_800_000_000
const DAY = 86_400

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authward-keys-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

function open(file, clock, key, previousKeys) {
  return authward.Authward.open(file, key, { clock, hashParams: CHEAP, ...(previousKeys ? { previousKeys } : {}) })
}

/** Five users, the even ones with 2FA; returns user id → TOTP secret (or null). */
async function populate(svc, clock) {
  const users = new Map()
  for (let i = 0; i < 5; i++) {
    const user = `user-${i}`
    await svc.createUser(user, 'acme', GOOD_PASSWORD)
    if (i % 2 === 0) {
      const e = await svc.beginTotpEnrollment(user, 'ACME')
      await svc.confirmTotpEnrollment(user, authward.totpCode(e.secret, { at: clock.now() }))
      users.set(user, e.secret)
    } else {
      users.set(user, null)
    }
  }
  return users
}

async function signInEveryone(svc, clock, users) {
  for (const [user, secret] of users) {
    const s = await svc.signIn(user, GOOD_PASSWORD)
    if (secret === null) {
      assert.equal(s.status, 'complete', user)
      continue
    }
    assert.equal(s.status, 'second_factor_required', user)
    assert.equal(typeof s.challenge, 'string')
    const done = await svc.verifySecondFactor(s.challenge, authward.totpCode(secret, { at: clock.now() }))
    assert.equal(done.status, 'complete', user)
  }
}

test('rotate a populated store to a new key, then drop the old one', async (t) => {
  const file = path.join(tempDir(t), 'aw.db')
  const clock = new authward.ManualClock(T0)
  const users = await populate(await open(file, clock, OLD), clock)

  assert.equal((await rejection(open(file, clock, NEW))).code, 'CRYPTO')

  const svc = await open(file, clock, NEW, [OLD])
  let progress = await svc.rekey(2)
  assert.deepEqual(progress, { done: 2, total: 5, finished: false })
  let calls = 1
  while (!progress.finished) {
    progress = calls % 2 ? svc.rekeySync(2) : await svc.rekey(2)
    calls++
  }
  assert.deepEqual(progress, { done: 5, total: 5, finished: true })
  assert.equal(calls, 3)
  // Once finished, another pass (default batch size) finds everything under the current key.
  assert.equal((await svc.rekey()).finished, true)
  for (const bad of [0, -1, 1.5, 10_001, Number.NaN]) {
    assert.equal((await rejection(svc.rekey(bad))).code, 'INVALID_ARGUMENT', String(bad))
  }
  assert.equal((await rejection(svc.rekey('10'))).code, 'ERR_INVALID_ARG_TYPE')

  clock.advance(30)
  await signInEveryone(await open(file, clock, NEW), clock, users)
  assert.equal((await rejection(open(file, clock, OLD))).code, 'CRYPTO')
})

test('without rekey, the old key is still needed', async (t) => {
  const file = path.join(tempDir(t), 'aw.db')
  const clock = new authward.ManualClock(T0)
  const users = await populate(await open(file, clock, OLD), clock)
  clock.advance(30)
  // Opened with the new key and the old one as a previous key: everyone signs in before any rekey.
  await signInEveryone(authward.Authward.openSync(file, NEW, { clock, hashParams: CHEAP, previousKeys: [OLD] }), clock, users)
  assert.equal((await rejection(open(file, clock, NEW))).code, 'CRYPTO')
})

test('previousKeys must be an array of 32-byte Buffers', async (t) => {
  const file = path.join(tempDir(t), 'aw.db')
  const clock = new authward.ManualClock(T0)
  for (const keys of [[Buffer.from('short')], [Buffer.alloc(33)], [NEW, Buffer.alloc(0)]]) {
    const err = await rejection(open(file, clock, NEW, keys))
    assert.ok(err instanceof authward.AuthwardError)
    assert.equal(err.code, 'INVALID_ARGUMENT')
    assert.match(err.message, /previous key \d must be 32 bytes/)
  }
  for (const keys of ['not an array', OLD, [OLD.toString('hex')], [OLD, 42], { 0: OLD }]) {
    const err = await rejection(open(file, clock, NEW, keys))
    assert.ok(err instanceof TypeError, String(err))
    assert.equal(err.code, 'ERR_INVALID_ARG_TYPE')
    assert.match(err.message, /previousKeys/)
    assert.ok(!err.message.includes(OLD.toString('hex')), 'no key in the message')
  }
  // Not nullable (as `pepper`): null is a wrong type; an empty list is no previous key.
  assert.equal((await rejection(authward.Authward.open(file, NEW, { clock, previousKeys: null }))).code, 'ERR_INVALID_ARG_TYPE')
  await open(file, clock, NEW, [])
  // An in-memory store has a random key: previous keys make no sense there.
  const err = thrown(() => authward.Authward.inMemorySync({ previousKeys: [OLD] }))
  assert.equal(err.code, 'INVALID_ARGUMENT')
  assert.equal((await rejection(authward.Authward.inMemory({ previousKeys: [OLD] }))).code, 'INVALID_ARGUMENT')
})

test('backup copies a live store to a new file that opens with the same key', async (t) => {
  const dir = tempDir(t)
  const file = path.join(dir, 'aw.db')
  const clock = new authward.ManualClock(T0)
  const svc = await open(file, clock, OLD)
  const users = await populate(svc, clock)
  const copy = path.join(dir, 'copy.db')
  await svc.backup(copy)
  // The service stays in use while and after it copies; the copy is a snapshot.
  await svc.createUser('late', 'acme', GOOD_PASSWORD)
  if (process.platform !== 'win32') assert.equal(fs.statSync(copy).mode & 0o777, 0o600, 'the copy is private')

  const restored = await open(copy, clock, OLD)
  assert.deepEqual((await restored.listUsers('acme')).sort(), [...users.keys()].sort())
  clock.advance(30)
  await signInEveryone(restored, clock, users)
  assert.equal((await rejection(open(copy, clock, NEW))).code, 'CRYPTO', 'the copy keeps its key')

  assert.equal((await rejection(svc.backup(copy))).code, 'ALREADY_EXISTS')
  assert.equal(thrown(() => svc.backupSync(file)).code, 'ALREADY_EXISTS')
  const second = path.join(dir, 'second.db')
  svc.backupSync(second)
  assert.equal((await (await open(second, clock, OLD)).listUsers('acme')).length, 6)

  const memory = await authward.Authward.inMemory({ hashParams: CHEAP })
  assert.equal((await rejection(memory.backup(path.join(dir, 'mem.db')))).code, 'INVALID_STATE')
  assert.ok(!fs.existsSync(path.join(dir, 'mem.db')))
  assert.equal((await rejection(svc.backup(42))).code, 'ERR_INVALID_ARG_TYPE')
})

test('storeInfo reports the backend, schema, users and health', async (t) => {
  const file = path.join(tempDir(t), 'aw.db')
  const clock = new authward.ManualClock(T0)
  const svc = await open(file, clock, OLD)
  const empty = await svc.storeInfo()
  assert.equal(empty.backend, 'sqlite')
  assert.equal(empty.users, 0)
  assert.equal(empty.healthy, true)
  assert.ok(Number.isInteger(empty.schemaVersion) && empty.schemaVersion >= 1)
  assert.deepEqual(Object.keys(empty).sort(), ['backend', 'healthy', 'schemaVersion', 'users'])

  await populate(svc, clock)
  assert.deepEqual(svc.storeInfoSync(), { ...empty, users: 5 })
  await svc.deleteUser('user-1')
  assert.equal((await svc.storeInfo()).users, 4)

  const memory = await authward.Authward.inMemory({ hashParams: CHEAP })
  await memory.createUser('a', 'acme', GOOD_PASSWORD)
  const info = await memory.storeInfo()
  assert.equal(info.backend, 'memory')
  assert.equal(info.users, 1)
  assert.equal(info.healthy, true)
})

test('purgeEvents deletes the log entries older than the retention', async () => {
  const clock = new authward.ManualClock(T0)
  const svc = await authward.Authward.inMemory({ clock, hashParams: CHEAP })
  await svc.createUser('alice', 'acme', GOOD_PASSWORD)
  await svc.signIn('alice', GOOD_PASSWORD) // day 0
  await rejection(svc.signIn('alice', 'not the password at all')) // day 0
  clock.advance(10 * DAY)
  await svc.signIn('alice', GOOD_PASSWORD) // day 10
  const before = await svc.events('alice')
  assert.equal(before.length, 3)

  clock.advance(25 * DAY) // day 35: the day-0 entries are older than 30 days, the day-10 one is not
  assert.equal(await svc.purgeEvents(30), 2)
  const after = await svc.events('alice')
  assert.deepEqual(after, before.filter((e) => e.at === T0 + 10 * DAY))
  assert.equal(svc.purgeEventsSync(30), 0, 'nothing more to purge')
  assert.equal(await svc.purgeEvents(1), 1)
  assert.deepEqual(await svc.events('alice'), [])

  for (const bad of [0, -1, 1.5, 2 ** 32, Number.POSITIVE_INFINITY]) {
    assert.equal((await rejection(svc.purgeEvents(bad))).code, 'INVALID_ARGUMENT', String(bad))
  }
  assert.equal(thrown(() => svc.purgeEventsSync(0)).code, 'INVALID_ARGUMENT')
  assert.equal((await rejection(svc.purgeEvents())).code, 'ERR_INVALID_ARG_TYPE')
})
