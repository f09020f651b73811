'use strict'
// What issue 14 asked of the Node API: AuthwardError with instanceof, unknown option keys and wrongly
// typed options refused with a TypeError naming the option, `null` where the types allow it, defaults
// and error numbers from the core, string unions that match the core, and a missing or mismatched
// addon explained in one sentence with the command that fixes it.

const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { authward, CHEAP, GOOD_PASSWORD, service, rejection } = require('./helpers')

const pkgDir = path.resolve(__dirname, '..')

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('no exception')
}

test('authward errors are AuthwardErrors, sync and async, with the table numbers', async () => {
  const { svc } = await service()
  const numbers = Object.fromEntries(authward.errorCodes().map((c) => [c.name, c.value]))
  const async = await rejection(svc.status('nobody'))
  assert.ok(async instanceof authward.AuthwardError)
  assert.ok(async instanceof Error)
  assert.equal(async.code, 'NOT_FOUND')
  assert.equal(async.errno, numbers.NOT_FOUND)
  assert.equal(async.name, 'AuthwardError')
  const sync = thrown(() => svc.statusSync('nobody'))
  assert.ok(sync instanceof authward.AuthwardError)
  const policy = await rejection(svc.createUser('ada', 'acme', 'short'))
  assert.ok(policy instanceof authward.AuthwardError)
  assert.equal(policy.code, 'POLICY_VIOLATION')
  assert.ok(policy.violations.some((v) => v.code === 'TOO_SHORT'))
  const surrogate = thrown(() => authward.totpCode('pw\uD800'))
  assert.ok(surrogate instanceof authward.AuthwardError)
  assert.equal(surrogate.errno, numbers.INVALID_ARGUMENT)
  // Type errors stay TypeErrors.
  assert.ok(!(thrown(() => authward.totpCode(42)) instanceof authward.AuthwardError))
})

test('LockedOut carries retryAfter on an AuthwardError', async () => {
  const { svc } = await service()
  await svc.setAccountPolicy('acme', { lockout: { maxFailures: 1, lockoutSeconds: 60 } })
  await svc.createUser('ada', 'acme', GOOD_PASSWORD)
  await rejection(svc.signIn('ada', 'wrong password here'))
  const err = await rejection(svc.signIn('ada', GOOD_PASSWORD))
  assert.ok(err instanceof authward.AuthwardError)
  assert.equal(err.code, 'LOCKED_OUT')
  assert.ok(err.retryAfter > 0 && err.retryAfter <= 60)
})

test('unknown option keys are TypeErrors naming the option, at any depth', async () => {
  const { svc } = await service()
  const cases = [
    [() => svc.setAccountPolicySync('acme', { enforceTwoFactr: true }), /unknown option 'enforceTwoFactr' in AccountPolicy/],
    [() => svc.setAccountPolicySync('acme', { lockout: { maxFailurs: 3 } }), /unknown option 'maxFailurs' in LockoutPolicy/],
    [() => authward.hashPasswordSync(GOOD_PASSWORD, { params: CHEAP, peper: Buffer.from('x') }), /unknown option 'peper' in HashOptions/],
    [() => new authward.PasswordPolicy({ minLenght: 3 }), /unknown option 'minLenght' in PasswordPolicyOptions/],
    [() => authward.Authward.inMemorySync({ hashparams: CHEAP }), /unknown option 'hashparams' in AuthwardOptions/],
    [() => authward.totpCode('JBSWY3DPEHPK3PXP', { config: { algo: 'SHA1' } }), /unknown option 'algo' in TotpConfig/],
  ]
  for (const [fn, message] of cases) {
    const err = thrown(fn)
    assert.ok(err instanceof TypeError, String(err))
    assert.match(err.message, message)
  }
  const rejected = await rejection(svc.setAccountPolicy('acme', { enforceTwoFactr: true }))
  assert.ok(rejected instanceof TypeError)
  assert.match(rejected.message, /enforceTwoFactr/)
  // Nothing was stored by the refused calls.
  assert.equal((await svc.accountPolicy('acme')).enforceTwoFactor, false)
})

test('wrongly typed options are TypeErrors naming the option path', async () => {
  const { svc } = await service()
  const err = thrown(() => svc.setAccountPolicySync('acme', { twoFactorGraceDays: '7' }))
  assert.ok(err instanceof TypeError)
  assert.equal(err.code, 'ERR_INVALID_ARG_TYPE')
  assert.match(err.message, /expected a number \(AccountPolicy\.twoFactorGraceDays\)/)
  const nested = thrown(() => svc.setAccountPolicySync('acme', { password: { requireDigit: 'yes' } }))
  assert.match(nested.message, /expected a boolean \(AccountPolicy\.password\.requireDigit\)/)
  const list = thrown(() => new authward.PasswordPolicy().check(GOOD_PASSWORD, { userInputs: 'ada' }))
  assert.match(list.message, /expected an array of strings \(CheckOptions\.userInputs\)/)
})

test('null where the types allow it: passwordExpirationDays null means never', async () => {
  const { svc } = await service()
  await svc.setAccountPolicy('acme', { passwordExpirationDays: 90 })
  assert.equal((await svc.accountPolicy('acme')).passwordExpirationDays, 90)
  await svc.setAccountPolicy('acme', { passwordExpirationDays: null })
  assert.equal((await svc.accountPolicy('acme')).passwordExpirationDays ?? null, null)
  // The caller's object is not modified.
  const mine = { passwordExpirationDays: null }
  svc.setAccountPolicySync('acme', mine)
  assert.deepEqual(mine, { passwordExpirationDays: null })
  // Where the types do not allow null it stays a TypeError.
  assert.ok(thrown(() => authward.Authward.inMemorySync({ hashParams: { memoryKib: null } })) instanceof TypeError)
})

test('defaults come from the core: the events limit', async () => {
  assert.equal(authward.DEFAULT_EVENTS_LIMIT, 100)
  const { svc } = await service()
  await svc.createUser('ada', 'acme', GOOD_PASSWORD)
  for (let i = 0; i < authward.DEFAULT_EVENTS_LIMIT + 5; i++) svc.signInSync('ada', GOOD_PASSWORD)
  assert.equal((await svc.events('ada')).length, authward.DEFAULT_EVENTS_LIMIT)
})

function union(dts, name) {
  const m = new RegExp(`export type ${name} =([^]*?)\\n\\n`).exec(dts)
  assert.ok(m, name)
  return [...m[1].matchAll(/'([A-Za-z0-9_]+)'/g)].map((x) => x[1]).sort()
}

test("the d.ts unions match the core's names", async () => {
  const dts = fs.readFileSync(path.join(pkgDir, 'index.d.ts'), 'utf8')
  const codes = authward.errorCodes().map((c) => c.name).filter((n) => n !== 'OK')
  assert.deepEqual(union(dts, 'ErrorCode'), codes.sort())
  const everyRule = new authward.PasswordPolicy({ requireLowercase: true, requireUppercase: true, requireDigit: true, requireSymbol: true })
  const ruleCodes = new Set(everyRule.rules().map((r) => r.code))
  const violationCodes = union(dts, 'ViolationCode')
  for (const c of ruleCodes) assert.ok(violationCodes.includes(c), c)
  assert.ok(violationCodes.includes('CONTAINS_USER_INPUT'))
  assert.deepEqual(union(dts, 'TotpAlgorithm'), ['SHA1', 'SHA256', 'SHA512'])
  for (const a of union(dts, 'TotpAlgorithm')) authward.totpCode('JBSWY3DPEHPK3PXP', { config: { algorithm: a } })
  // Every status and action the service hands out in the story below is in the unions.
  const statuses = union(dts, 'SignInStatus')
  const actions = union(dts, 'RequiredAction')
  const kinds = union(dts, 'EventKind')
  assert.deepEqual(kinds, [...authward.eventKinds()].sort())
  const { svc } = await service()
  await svc.setAccountPolicy('acme', { enforceTwoFactor: true, twoFactorGraceDays: 1 })
  await svc.createUser('ada', 'acme', GOOD_PASSWORD)
  const first = await svc.signIn('ada', GOOD_PASSWORD)
  assert.ok(statuses.includes(first.status))
  for (const a of first.requiredActions) assert.ok(actions.includes(a), a)
  await rejection(svc.signIn('ada', 'not the password at all'))
  for (const e of await svc.events('ada')) assert.ok(kinds.includes(e.kind), e.kind)
})

test('the addon version is the package version', () => {
  assert.equal(authward.ADDON_VERSION, require('../package.json').version)
})

// A copy of the package's JavaScript (no addon, or the addon with another version) in a temp folder.
function brokenCopy(withAddon, version) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authward-broken-'))
  for (const f of ['index.js', 'binding.js', 'addon.js', 'options.js']) fs.copyFileSync(path.join(pkgDir, f), path.join(dir, f))
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
  pkg.version = version
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg))
  const addon = require('../addon.js')
  if (withAddon) fs.copyFileSync(addon.path, path.join(dir, addon.file))
  return dir
}

function requireError(dir) {
  try {
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(dir)})`], { encoding: 'utf8', stdio: 'pipe' })
  } catch (err) {
    return String(err.stderr)
  }
  assert.fail('require succeeded')
}

test('a missing addon is one sentence with the command that fixes it', () => {
  const dir = brokenCopy(false, require('../package.json').version)
  const line = requireError(dir).split('\n').find((l) => l.startsWith('Error: authward:'))
  assert.ok(line, 'one Error line starting with authward:')
  assert.match(line, /native addon authward\.[a-z0-9-]+\.node for [a-z0-9-]+ is missing/)
  assert.match(line, /run `npm rebuild authward --foreground-scripts`/)
  assert.doesNotMatch(line, /wasm32-wasi/)
  fs.rmSync(dir, { recursive: true, force: true })
})

test('a mismatched addon is one sentence with the command that fixes it', () => {
  const dir = brokenCopy(true, '9.9.9')
  const out = requireError(dir)
  assert.match(out, /Error: authward: the native addon authward\.[a-z0-9-]+\.node is version [0-9.]+ but this package is 9\.9\.9; run `npm rebuild authward --foreground-scripts`/)
  fs.rmSync(dir, { recursive: true, force: true })
})
