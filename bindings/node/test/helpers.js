'use strict'
// Shared by the test files: the package under test, the shared vectors, cheap Argon2 parameters.

const fs = require('node:fs')
const path = require('node:path')

const authward = require('..')

const VECTORS = path.resolve(__dirname, '..', '..', '..', 'tests', 'vectors')

function vectors(name) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'))
}

/** Argon2 parameters that make a hash take well under a millisecond (tests only). */
const CHEAP = { memoryKib: 1024, iterations: 1, parallelism: 1 }

/** A password that passes the default policy. */
const GOOD_PASSWORD = 'correct horse battery staple'

/** A fresh in-memory service on a manual clock, with cheap hashing. */
async function service(start = 1_700_000_000) {
  const clock = new authward.ManualClock(start)
  const svc = await authward.Authward.inMemory({ clock, hashParams: CHEAP })
  return { clock, svc }
}

/** Resolves with the error `promise` rejects with; fails if it resolves. */
async function rejection(promise) {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

/** The error `fn` throws; fails if it returns. */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

module.exports = { authward, vectors, CHEAP, GOOD_PASSWORD, service, rejection, thrown }
