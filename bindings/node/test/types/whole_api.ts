// Uses every export of authward with its declared types: `tsc --strict --noEmit` must find nothing
// here, with and without --skipLibCheck (test/typecheck.test.js; the package test runs it against the
// installed tarball too). Not run as a program; the calls only have to type-check.
import * as authward from 'authward'
import {
  AuthwardError,
  type AccountPolicy,
  type ErrorCode,
  type EventKind,
  type RequiredAction,
  type SignIn,
  type SignInStatus,
  type TotpAlgorithm,
  type ViolationCode,
} from 'authward'

export async function primitives(): Promise<void> {
  const params: authward.HashParams = { memoryKib: 1024, iterations: 1, parallelism: 1 }
  const phc: string = await authward.hashPassword('pw', { params, pepper: Buffer.from('pepper') })
  const same: string = authward.hashPasswordSync('pw', { params })
  const ok: boolean = await authward.verifyPassword('pw', phc, { pepper: Buffer.from('pepper') })
  const okSync: boolean = authward.verifyPasswordSync('pw', same)
  const stale: boolean = authward.needsRehash(phc, { params: {} })
  const secret: string = authward.generateTotpSecret()
  const algorithm: TotpAlgorithm = 'SHA256'
  const config: authward.TotpConfig = { algorithm, digits: 8, period: 30, window: 1 }
  const code: string = authward.totpCode(secret, { at: 1_700_000_000, config })
  const step: number | null = authward.verifyTotp(secret, code, { at: 1_700_000_000, lastStep: 0, config })
  const uri: string = authward.totpUri(secret, 'ACME', 'ada@example.com', { config })
  const parsed: authward.TotpUri = authward.parseTotpUri(uri)
  const svg: string = authward.qrSvg(uri)
  const png: Buffer = authward.qrPng(uri, { scale: 4 })
  const term: string = authward.qrTerminal(uri)
  const policy = new authward.PasswordPolicy({ minLength: 12, requireDigit: true, history: 5 })
  for (const v of policy.check('short', { userInputs: ['ada'] })) {
    const c: ViolationCode = v.code
    if (c === 'TOO_SHORT') console.log(v.message)
  }
  for (const r of policy.rules()) console.log(r.code, r.description)
  const json: authward.PasswordPolicyOptions = policy.toJSON()
  const numbers: number[] = [policy.minLength, policy.maxLength, policy.minStrength, policy.history]
  const flags: boolean[] = [policy.requireLowercase, policy.requireUppercase, policy.requireDigit, policy.requireSymbol, policy.forbidUserInputs]
  const codes: Array<authward.ErrorCodeInfo> = authward.errorCodes()
  const version: string = authward.ADDON_VERSION
  const limit: number = authward.DEFAULT_EVENTS_LIMIT
  console.log(ok, okSync, stale, step, parsed.secret, parsed.issuer, parsed.accountName, parsed.config, svg, png, term)
  console.log(json, numbers, flags, codes.map((c) => `${c.name}=${c.value}: ${c.description}`), version, limit)
}

export async function service(path: string): Promise<void> {
  const clock = new authward.ManualClock(1_700_000_000)
  clock.set(1_700_000_000)
  clock.advance(30)
  const opened: authward.Authward = authward.Authward.openSync(path, Buffer.alloc(32), { clock, hashParams: {} })
  const aw = await authward.Authward.inMemory({ clock, hashParams: { memoryKib: 1024, iterations: 1 } })
  authward.Authward.inMemorySync(null)
  await authward.Authward.open(path, Buffer.alloc(32))
  const account: AccountPolicy = {
    enforceTwoFactor: true,
    twoFactorGraceDays: 7,
    passwordExpirationDays: null,
    passwordExpiryWarningDays: 14,
    password: { minLength: 12 },
    totp: { algorithm: 'SHA1' },
    lockout: { maxFailures: 5, lockoutSeconds: 300 },
  }
  await aw.setAccountPolicy('acme', account)
  aw.setAccountPolicySync('acme', { passwordExpirationDays: 90 })
  const days: number | null | undefined = (await aw.accountPolicy('acme')).passwordExpirationDays
  await aw.createUser('ada', 'acme', 'correct horse battery staple', { email: 'ada@example.com' })
  aw.createUserSync('bob', 'acme', 'correct horse battery staple', null)
  const users: string[] = await aw.listUsers('acme')
  await aw.changePassword('ada', 'correct horse battery staple', 'new passphrase', 'new passphrase')
  await aw.setPassword('ada', 'admin reset passphrase')
  await aw.requirePasswordChange('ada')
  let step: SignIn
  try {
    step = await aw.signIn('ada', 'admin reset passphrase')
  } catch (err) {
    if (err instanceof AuthwardError) {
      const code: ErrorCode = err.code
      if (code === 'LOCKED_OUT') console.log(err.retryAfter, err.errno)
      if (code === 'POLICY_VIOLATION') console.log(err.violations?.map((v) => v.code))
    }
    return
  }
  const status: SignInStatus = step.status
  if (status === 'second_factor_required' && step.challenge !== undefined) {
    step = await aw.verifySecondFactor(step.challenge, '123456')
  }
  for (const action of step.requiredActions) {
    const a: RequiredAction = action
    if (a === 'enroll_two_factor') {
      const e: authward.Enrollment = await aw.beginTotpEnrollment('ada', 'ACME')
      console.log(e.secret, e.uri, e.qrSvg, e.qrPng.length, e.qrTerminal, e.expiresAt)
      const recovery: string[] = await aw.confirmTotpEnrollment('ada', '123456')
      console.log(recovery, await aw.regenerateRecoveryCodes('ada', 'pw'))
    }
  }
  console.log(step.passwordExpiresInDays, step.credentialVersion)
  await aw.disableTotp('ada', 'pw')
  await aw.resetTwoFactor('ada')
  const s: authward.SecurityStatus = await aw.status('ada')
  console.log(s.twoFactorEnabled, s.recoveryCodesLeft, s.passwordChangedAt, s.passwordExpiresAt, s.passwordExpiresInDays)
  console.log(s.passwordExpiryWarning, s.requiredActions, s.lockedUntil, s.credentialVersion, aw.now(), opened.now())
  for (const event of await aw.events('ada', { limit: 10 })) {
    const kind: EventKind = event.kind
    if (kind === 'locked_out') console.log(event.at, event.detail)
  }
  aw.eventsSync('ada')
  aw.statusSync('ada')
  const shown: authward.RedactedSignIn = step.toJSON()
  const hidden: '<redacted>' | undefined = shown.challenge
  await aw.deleteUser('ada')
  await opened.backup(`${path}.bak`)
  opened.backupSync(`${path}.bak2`)
  const info: authward.StoreInfo = await opened.storeInfo()
  const backend: 'memory' | 'sqlite' | 'postgres' = opened.storeInfoSync().backend
  console.log(info.schemaVersion, info.users, info.healthy, backend, hidden)
  const rotated = await authward.Authward.open(path, Buffer.alloc(32, 2), { previousKeys: [Buffer.alloc(32)] })
  let progress: authward.RekeyProgress = await rotated.rekey()
  while (!progress.finished) progress = rotated.rekeySync(100)
  console.log(progress.done, progress.total)
  const purged: number = (await aw.purgeEvents(365)) + aw.purgeEventsSync(30)
  console.log(days, users, purged, new AuthwardError('x', 'INTERNAL') instanceof Error)
}
