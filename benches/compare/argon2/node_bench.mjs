// @node-rs/argon2's hashSync (Argon2id) timed like examples/bench_argon2.rs.
// usage: node node_bench.mjs <m_kib> <t> <p> <iterations> [phc-to-verify]
// Run from a directory where @node-rs/argon2 is installed (run.sh sets NODE_PATH-free cwd).
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const { hashSync, verifySync, Algorithm } = require('@node-rs/argon2');

const PASSWORD = 'correct horse battery staple';
const [m, t, p, n] = process.argv.slice(2, 6).map(Number);
const options = { memoryCost: m, timeCost: t, parallelism: p, outputLen: 32, algorithm: Algorithm.Argon2id };

for (let i = 0; i < 2; i++) hashSync(PASSWORD, options);
const times = [];
let phc = '';
for (let i = 0; i < n; i++) {
  const start = process.hrtime.bigint();
  phc = hashSync(PASSWORD, options);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
console.log(`RESULT @node-rs/argon2 ${m},${t},${p} ${times[Math.floor(n / 2)].toFixed(3)} ${times[0].toFixed(3)}`);
console.log(`PHC @node-rs/argon2 ${phc}`);
const other = process.argv[6];
if (other) {
  const ok = verifySync(other, PASSWORD);
  console.log(`VERIFY ${ok ? 'ok' : 'FAIL'} ${other}`);
  if (!ok) process.exit(1);
}
