// Concurrent hashing from Node (issue 16): 4 `hashPassword` Promises at once on the default libuv pool
// (4 threads) against the same 4 hashes one after another, for authward and @node-rs/argon2 (its
// async `hash`, also on the libuv pool), at OWASP (19456,2,1) and 65536,3,1. Best of 3 rounds; a ratio
// near 1/cores (0.5 on 2 cores) means both cores are used, 1.0 means none of the concurrency helped.
//
//   node benches/compare/node/threads.mjs [--quick]
// Run from a directory where `authward` (or bindings/node) and `@node-rs/argon2` resolve, e.g. the
// node_modules that `bash benches/compare/argon2/run.sh` installs: AUTHWARD_NODE=/path/to/bindings/node.
import { createRequire } from 'node:module'
import os from 'node:os'

const require = createRequire(`${process.cwd()}/`)
const authward = require(process.env.AUTHWARD_NODE || 'authward')
let noders = null
try {
  noders = require('@node-rs/argon2')
} catch {
  console.log('(@node-rs/argon2 not installed here: authward only)')
}

const quick = process.argv.includes('--quick')
const rounds = quick ? 2 : 3
const PASSWORD = 'correct horse battery staple'
const N = 4

const libraries = [
  ['authward', (m, t, p) => authward.hashPassword(PASSWORD, { params: { memoryKib: m, iterations: t, parallelism: p } })],
]
if (noders) {
  libraries.push([
    '@node-rs/argon2',
    (m, t, p) => noders.hash(PASSWORD, { memoryCost: m, timeCost: t, parallelism: p, algorithm: noders.Algorithm.Argon2id }),
  ])
}

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6

console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.availableParallelism()} CPUs, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE || '4 (default)'}, node ${process.version}`)
console.log(`| params | library | ${N} sequential ms | ${N} concurrent Promises / sequential |`)
console.log('| --- | --- | --- | --- |')
for (const [m, t, p] of [[19456, 2, 1], [65536, 3, 1]]) {
  for (const [name, hash] of libraries) {
    for (let i = 0; i < 2; i++) await hash(m, t, p) // warm-up
    let seq = Infinity
    let conc = Infinity
    for (let r = 0; r < rounds; r++) {
      let start = process.hrtime.bigint()
      for (let i = 0; i < N; i++) await hash(m, t, p)
      seq = Math.min(seq, ms(start))
      start = process.hrtime.bigint()
      await Promise.all(Array.from({ length: N }, () => hash(m, t, p)))
      conc = Math.min(conc, ms(start))
    }
    console.log(`| ${m},${t},${p} | ${name} | ${seq.toFixed(1)} | **${(conc / seq).toFixed(2)}** |`)
  }
}
