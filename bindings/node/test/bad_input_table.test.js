'use strict'
// The shared table of hostile inputs (tests/vectors/bad_inputs.json), walked through the Node package.
//
// Every case calls one operation with the table's good arguments except one, which gets the hostile
// value, and checks the outcome the table documents for Node: an Error whose `code` is an authward code,
// a TypeError (code ERR_INVALID_ARG_TYPE), or a plain outcome (false, null, violations). A JS null is
// tried both as `null` and as `undefined`. Promise-returning functions must reject, never throw. The
// service cases run over one SQLite store through both the Promise and the Sync functions; the store
// must be unchanged after each call (or changed only by the documented failure count), and the users
// must still sign in and enrol after the whole walk.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { authward, vectors } = require('./helpers')

const TABLE = vectors('bad_inputs.json')
const FIX = TABLE.fixtures
const CHEAP = {
  memoryKib: FIX.hash_params.memory_kib,
  iterations: FIX.hash_params.iterations,
  parallelism: FIX.hash_params.parallelism,
}

// Arguments that Node takes as fields of an options object, where `undefined` means "absent" (the
// default) and is no hostile value; `null` is still tried.
const OPTION_OPS = new Set(['HashParams', 'TotpConfig', 'PasswordPolicy', 'LockoutPolicy', 'AccountPolicy'])
const OPTION_ARGS = new Set(['pepper', 'at', 'last_step', 'scale', 'limit', 'email', 'actor', 'sort', 'offset', 'device_token', 'label'])

/** The JS values of a table value: null and undefined for null (only null in an options object). */
function decode(value, optionField) {
  switch (value.kind) {
    case 'null':
      return optionField ? [null] : [null, undefined]
    case 'json':
      return [value.json]
    case 'bytes':
      return [Buffer.from(value.hex, 'hex')]
    case 'string':
      return [value.text]
    case 'repeat':
      return [value.text.repeat(value.times)]
    case 'lone_surrogate':
      return [value.before + String.fromCharCode(value.unit) + value.after]
    case 'int':
      return [Number(value.dec)]
    case 'float':
      return [value.text === 'inf' ? Infinity : Number(value.text)]
    default:
      throw new Error(`unknown value kind ${value.kind}`)
  }
}

function expectation(c) {
  return c.expect.node ?? c.expect.all
}

/** The op's good arguments (fixtures resolved; a good null is an absent optional argument). */
function goodArgs(op, runtime) {
  const args = {}
  for (const [name, good] of Object.entries(TABLE.ops[op].args)) {
    if (typeof good === 'string' && good.startsWith('@')) {
      const key = good.slice(1)
      args[name] = key in runtime ? runtime[key] : FIX[key]
    } else {
      args[name] = good === null ? undefined : good
    }
  }
  return args
}

// ---- adapters: (args, replaced argument name, sync?) => result or Promise

const policySvc = authward.Authward.inMemorySync({ hashParams: CHEAP })

const STATELESS = {
  hash_password: (a, _, sync) =>
    sync
      ? authward.hashPasswordSync(a.password, { params: CHEAP, pepper: a.pepper })
      : authward.hashPassword(a.password, { params: CHEAP, pepper: a.pepper }),
  verify_password: (a, _, sync) =>
    sync ? authward.verifyPasswordSync(a.password, a.phc) : authward.verifyPassword(a.password, a.phc),
  needs_rehash: (a) => authward.needsRehash(a.phc, { params: CHEAP }),
  password_policy_check: (a) => new authward.PasswordPolicy().check(a.password, { userInputs: [a.user_input] }),
  HashParams: (a) =>
    authward.hashPasswordSync(FIX.password, {
      params: { memoryKib: a.memory_kib, iterations: a.iterations, parallelism: a.parallelism },
    }),
  TotpConfig: (a) =>
    authward.totpCode(FIX.secret, {
      at: FIX.at,
      config: { algorithm: a.algorithm, digits: a.digits, period: a.period, window: a.window },
    }),
  PasswordPolicy: (a) =>
    new authward.PasswordPolicy({
      minLength: a.min_length,
      maxLength: a.max_length,
      minStrength: a.min_strength,
      history: a.history,
      requireDigit: a.require_digit,
      breachMinCount: a.breach_min_count,
      rejectBreached: a.reject_breached,
    }),
  LockoutPolicy: (a) =>
    policySvc.setAccountPolicySync('policy-check', {
      lockout: { maxFailures: a.max_failures, lockoutSeconds: a.lockout_seconds },
    }),
  AccountPolicy: (a) =>
    policySvc.setAccountPolicySync('policy-check', {
      enforceTwoFactor: a.enforce_two_factor,
      twoFactorGraceDays: a.two_factor_grace_days,
      passwordExpirationDays: a.password_expiration_days,
      passwordExpiryWarningDays: a.password_expiry_warning_days,
    }),
  totp_code: (a) => authward.totpCode(a.secret, { at: a.at }),
  verify_totp: (a) => authward.verifyTotp(a.secret, a.code, { at: a.at, lastStep: a.last_step }),
  totp_uri: (a) => authward.totpUri(a.secret, a.issuer, a.account_name),
  parse_totp_uri: (a) => authward.parseTotpUri(a.uri),
  qr_png: (a) => authward.qrPng(a.text, { scale: a.scale }),
  // a filter that loads must answer lookups
  breach_filter_from_bytes: (a) => authward.BreachFilter.fromBytes(a.bytes).contains(a.password),
}
const HAS_PROMISE = new Set(['hash_password', 'verify_password'])

function serviceAdapters(svc) {
  // Each service method `m` has a Promise form and a blocking `mSync` twin.
  const call = (name, sync, ...args) => (sync ? svc[`${name}Sync`](...args) : svc[name](...args))
  return {
    create_user: (a, _, s) =>
      call('createUser', s, a.user_id, a.account_id, a.password, a.email === undefined ? undefined : { email: a.email }),
    sign_in: (a, _, s) => call('signIn', s, a.user_id, a.password),
    change_password: (a, _, s) => call('changePassword', s, a.user_id, a.current, a.new, a.confirm),
    verify_second_factor: (a, _, s) => call('verifySecondFactor', s, a.challenge, a.code),
    begin_totp_enrollment: (a, _, s) => call('beginTotpEnrollment', s, a.user_id, a.issuer),
    confirm_totp_enrollment: (a, _, s) => call('confirmTotpEnrollment', s, a.user_id, a.code),
    set_account_policy: (a, arg, s) =>
      call(
        'setAccountPolicy',
        s,
        a.account_id,
        arg === 'policy'
          ? a.policy
          : {
              passwordExpirationDays: a.password_expiration_days,
              password: { minLength: a.password_min_length },
              totp: { digits: a.totp_digits },
              lockout: { maxFailures: a.lockout_max_failures },
              rememberDeviceDays: 30,
            },
        { actor: a.actor },
      ),
    events: (a, _, s) => call('events', s, a.user_id, { limit: a.limit }),
    status: (a, _, s) => call('status', s, a.user_id),
    list_users: (a, _, s) => call('listUsers', s, a.account_id),
    disable_totp: (a, _, s) => call('disableTotp', s, a.user_id, a.password),
    regenerate_recovery_codes: (a, _, s) => call('regenerateRecoveryCodes', s, a.user_id, a.password),
    set_password: (a, _, s) => call('setPassword', s, a.user_id, a.new, { actor: a.actor }),
    require_password_change: (a, _, s) => call('requirePasswordChange', s, a.user_id, { actor: a.actor }),
    unlock_user: (a, _, s) => call('unlockUser', s, a.user_id, { actor: a.actor }),
    reset_two_factor: (a, _, s) => call('resetTwoFactor', s, a.user_id, { actor: a.actor }),
    set_two_factor_exempt: (a, _, s) => call('setTwoFactorExempt', s, a.user_id, a.exempt, { actor: a.actor }),
    delete_user: (a, _, s) => call('deleteUser', s, a.user_id),
    account_report: (a, _, s) => call('accountReport', s, a.account_id, { sort: a.sort, offset: a.offset, limit: a.limit }),
    audit_log: (a, _, s) => call('auditLog', s, a.account_id, { limit: a.limit }),
    list_devices: (a, _, s) => call('listDevices', s, a.user_id),
    revoke_device: (a, _, s) => call('revokeDevice', s, a.user_id, a.device_id),
    revoke_all_devices: (a, _, s) => call('revokeAllDevices', s, a.user_id),
    verify_second_factor_remember: (a, _, s) =>
      call('verifySecondFactor', s, a.challenge, a.code, { rememberDevice: a.label }),
    sign_in_with_device: (a, _, s) => call('signIn', s, a.user_id, a.password, { deviceToken: a.device_token }),
  }
}

const CODES = new Set(authward.errorCodes().map((c) => c.name))

function assertClean(err, label) {
  const message = String(err && err.message)
  for (const s of [FIX.password, 'correct horse', 'battery staple', 'a'.repeat(64), '1'.repeat(64)]) {
    assert.ok(!message.includes(s), `${label}: the message quotes an input: ${message.slice(0, 200)}`)
  }
  assert.ok(message.length < 500, `${label}: a ${message.length}-character message`)
}

/** Checks how a call ended against the table's outcome. */
function checkOutcome(label, expect, outcome) {
  if ('error' in outcome) {
    const err = outcome.error
    assertClean(err, label)
    if (expect === 'TypeError') {
      assert.ok(err instanceof TypeError && err.code === 'ERR_INVALID_ARG_TYPE', `${label}: expected a TypeError, got ${err && err.code} ${err}`)
    } else {
      assert.ok(CODES.has(expect), `${label}: expected ${expect}, got ${err && err.code} ${err}`)
      assert.ok(err instanceof Error && !(err instanceof TypeError) && err.code === expect, `${label}: expected ${expect}, got ${err && err.code} ${err}`)
    }
    return
  }
  const value = outcome.value
  if (expect === 'ok') return
  if (expect === 'second_factor_required') {
    assert.ok(value.status === expect && value.challenge, `${label}: expected ${expect}, got ${value && value.status}`)
    return
  }
  if (expect === 'false') assert.equal(value, false, label)
  else if (expect === 'none') assert.equal(value, null, label)
  else if (expect.startsWith('violation:')) {
    const codes = value.map((v) => v.code)
    assert.ok(codes.includes(expect.slice('violation:'.length)), `${label}: ${codes}`)
  } else assert.fail(`${label}: expected ${expect}, but the call returned ${String(value).slice(0, 100)}`)
}

/** Runs an adapter: a sync one may throw; a Promise one must return a Promise (then awaited). */
async function run(fn, sync) {
  let result
  try {
    result = fn()
  } catch (error) {
    if (!sync) assert.fail(`a Promise function threw synchronously: ${error}`)
    return { error }
  }
  if (sync) {
    assert.ok(!(result instanceof Promise), 'a Sync function returned a Promise')
    return { value: result }
  }
  assert.ok(result instanceof Promise, 'expected a Promise')
  try {
    return { value: await result }
  } catch (error) {
    return { error }
  }
}

function* expand(c) {
  const values = decode(TABLE.values[c.value], OPTION_OPS.has(c.op) || OPTION_ARGS.has(c.arg))
  for (const [i, v] of values.entries()) {
    yield { v, label: `${c.op}.${c.arg}=${c.value}${values.length > 1 ? `#${i}` : ''}` }
  }
}

const serviceOps = new Set(Object.entries(TABLE.ops).filter(([, op]) => op.service).map(([n]) => n))

test('the table names known ops, arguments and values', () => {
  for (const c of TABLE.cases) {
    assert.ok(c.arg in TABLE.ops[c.op].args, `${c.op}.${c.arg}`)
    assert.ok(c.value in TABLE.values, c.value)
    assert.ok(c.op in STATELESS || serviceOps.has(c.op), c.op)
    assert.ok(expectation(c), `${c.op}.${c.arg}=${c.value}: no expectation for node`)
  }
})

test('stateless operations: every hostile input has the documented outcome', async () => {
  let ran = 0
  for (const c of TABLE.cases.filter((c) => !serviceOps.has(c.op))) {
    const expect = expectation(c)
    if (expect.startsWith('n/a')) continue
    for (const { v, label } of expand(c)) {
      const args = { ...goodArgs(c.op, {}), [c.arg]: v }
      const variants = HAS_PROMISE.has(c.op) ? [true, false] : [true]
      for (const sync of variants) {
        const outcome = await run(() => STATELESS[c.op](args, c.arg, sync), sync)
        checkOutcome(`${label}${sync ? '' : ' (Promise)'}`, expect, outcome)
        ran++
      }
    }
  }
  assert.ok(ran > 250, `ran ${ran}`)
})

test('service operations: documented outcome, the store unchanged, the users still working', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authward-bad-inputs-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const clock = new authward.ManualClock(FIX.start)
  const svc = await authward.Authward.open(path.join(dir, 'store.db'), Buffer.from(FIX.store_key_hex, 'hex'), {
    clock,
    hashParams: CHEAP,
  })
  const { account, user: alice, pending_user: bob, password } = FIX
  await svc.setAccountPolicy(account, { lockout: { maxFailures: 100 }, rememberDeviceDays: 30 })
  await svc.createUser(alice, account, password, { email: FIX.email })
  const { secret } = await svc.beginTotpEnrollment(alice, 'ACME')
  await svc.confirmTotpEnrollment(alice, authward.totpCode(secret, { at: clock.now() }))
  clock.advance(60)
  const remembering = (await svc.signIn(alice, password)).challenge
  const code = authward.totpCode(secret, { at: clock.now() })
  const { deviceToken } = await svc.verifySecondFactor(remembering, code, { rememberDevice: 'laptop' })
  assert.ok(deviceToken)
  const deviceId = (await svc.listDevices(alice))[0].id
  clock.advance(30)
  const { challenge } = await svc.signIn(alice, password)
  assert.ok(challenge)
  await svc.createUser(bob, account, password)
  const pending = (await svc.beginTotpEnrollment(bob, 'ACME')).secret
  const adapters = serviceAdapters(svc)

  const snapshot = () => ({
    users: svc.listUsersSync(account),
    devices: svc.listDevicesSync(alice).map((d) => d.id),
    audit: svc.auditLogSync(account, { limit: 1000 }),
    policy: svc.accountPolicySync(account),
    [`status:${alice}`]: svc.statusSync(alice),
    [`status:${bob}`]: svc.statusSync(bob),
    [`events:${alice}`]: svc.eventsSync(alice, { limit: 1000 }),
    [`events:${bob}`]: svc.eventsSync(bob, { limit: 1000 }),
  })

  let ran = 0
  for (const c of TABLE.cases.filter((c) => serviceOps.has(c.op))) {
    const expect = expectation(c)
    if (expect.startsWith('n/a')) continue
    for (const { v, label } of expand(c)) {
      for (const sync of [false, true]) {
        // a fresh challenge per verify case: one challenge takes at most 5 wrong codes
        const fresh = c.op === 'verify_second_factor' ? svc.signInSync(alice, password).challenge : challenge
        const args = { ...goodArgs(c.op, { challenge: fresh, device_token: deviceToken, device_id: deviceId }), [c.arg]: v }
        const before = snapshot()
        const outcome = await run(() => adapters[c.op](args, c.arg, sync), sync)
        const where = `${label}${sync ? ' (Sync)' : ''}`
        checkOutcome(where, expect, outcome)
        const after = snapshot()
        const effect = (c.effect && (c.effect.node ?? c.effect.all)) || 'none'
        if (effect.startsWith('failure:')) {
          const key = `events:${effect.slice('failure:'.length)}`
          const added = after[key].slice(0, after[key].length - before[key].length)
          const kind =
            {
              change_password: 'password_change_failed',
              confirm_totp_enrollment: 'enrollment_failed',
              disable_totp: 'reauthentication_failed',
              regenerate_recovery_codes: 'reauthentication_failed',
            }[c.op] ?? 'sign_in_failed'
          assert.deepEqual(added.map((e) => e.kind), [kind], where)
          after[key] = after[key].slice(added.length)
        }
        assert.deepEqual(after, before, `${where}: the store changed`)
        ran++
      }
    }
  }
  assert.ok(ran > 200, `ran ${ran}`)

  const first = await svc.signIn(alice, password)
  assert.equal(first.status, 'second_factor_required')
  const done = await svc.verifySecondFactor(first.challenge, authward.totpCode(secret, { at: clock.now() }))
  assert.equal(done.status, 'complete')
  assert.equal((await svc.confirmTotpEnrollment(bob, authward.totpCode(pending, { at: clock.now() }))).length, 10)
  assert.deepEqual(await svc.listUsers(account), [alice, bob])
  assert.equal((await svc.signIn(alice, password, { deviceToken })).status, 'complete')
  assert.deepEqual((await svc.listDevices(alice)).map((d) => d.id), [deviceId])
})
