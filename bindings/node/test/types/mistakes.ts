// Deliberate mistakes: `tsc --strict --noEmit` must report exactly the error codes marked
// `// E: TSnnnn` on each marked line, and nothing else (test/typecheck.test.js).
import * as authward from 'authward'

export async function mistakes(aw: authward.Authward): Promise<void> {
  const step = await aw.signIn('ada', 'pw')
  if (step.status === 'compelte') return // E: TS2367
  if (step.requiredActions.includes('enrol_two_factor')) return // E: TS2345
  for (const e of await aw.events('ada')) if (e.kind === 'signed_in') return // E: TS2367
  authward.totpCode('S', { config: { algorithm: 'SHA3' } }) // E: TS2322
  await aw.setAccountPolicy('acme', { enforceTwoFactr: true }) // E: TS2561
  await aw.setAccountPolicy('acme', { twoFactorGraceDays: '7' }) // E: TS2322
  await aw.events('ada', { limit: '10' }) // E: TS2322
  authward.Authward.openSync('x.db', 'not a buffer') // E: TS2345
  await aw.signIn('ada') // E: TS2554
  const n: number = (await aw.status('ada')).lockedUntil // E: TS2322
  try {
    await aw.status('ada')
  } catch (err) {
    if (err instanceof authward.AuthwardError && err.code === 'LOCKED') return // E: TS2367
    if (err instanceof authward.AuthwardError) console.log(err.retryAftr) // E: TS2551
  }
  await aw.createUser('ada', 'acme', 'pw', { mail: 'ada@example.com' }) // E: TS2561
  const e = await aw.beginTotpEnrollment('ada', 'ACME')
  e.secret = 'AAAA' // E: TS2540
  const json: string = e.toJSON().expiresAt // E: TS2322
  await authward.Authward.open('x.db', Buffer.alloc(32), { previousKeys: Buffer.alloc(32) }) // E: TS2740
  await aw.rekey('100') // E: TS2345
  const p: boolean = (await aw.rekey()).done // E: TS2322
  await aw.purgeEvents() // E: TS2554
  console.log(n, json, p)
}
