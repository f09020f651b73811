#!/usr/bin/env node
'use strict'
// Stages the release npm package of authward in a folder, for `npm pack` (called by scripts/package.sh):
//
//   node bindings/node/scripts/pack.js STAGE_DIR PREBUILT_ADDON
//
// STAGE_DIR receives the package's JavaScript and declarations, the prebuilt addon
// (`authward.linux-x64-gnu.node`, from PREBUILT_ADDON), and under `native/` the Rust sources of the
// core and of the Node crate with a lock file, so that the install script can build the addon where
// no prebuilt one fits. The staged package.json has no dev dependencies and only the `install` script.

const fs = require('node:fs')
const path = require('node:path')

const [stage, prebuilt] = process.argv.slice(2)
if (!stage || !prebuilt) {
  console.error('usage: pack.js STAGE_DIR PREBUILT_ADDON')
  process.exit(2)
}
const pkgDir = path.resolve(__dirname, '..')
const root = path.resolve(pkgDir, '..', '..')

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.cpSync(from, to, { recursive: true })
}

fs.rmSync(stage, { recursive: true, force: true })
fs.mkdirSync(stage, { recursive: true })

// The JavaScript side, as the checkout has it.
const js = ['README.md', 'index.js', 'index.mjs', 'index.d.ts', 'binding.js', 'addon.js', 'options.js', 'scripts/build.js']
for (const f of js) copy(path.join(pkgDir, f), path.join(stage, f))
for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) {
  if (fs.existsSync(path.join(root, f))) copy(path.join(root, f), path.join(stage, f))
}

// The prebuilt addon for linux-x64-gnu (the only target this release builds).
copy(prebuilt, path.join(stage, 'authward.linux-x64-gnu.node'))

// The bundled sources: a two-member cargo workspace (the core at native/, the Node crate at
// native/bindings/node, which depends on the core by the same relative path as in the checkout).
const native = path.join(stage, 'native')
for (const f of ['src', 'build.rs', 'Cargo.lock', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) {
  if (fs.existsSync(path.join(root, f))) copy(path.join(root, f), path.join(native, f))
}
for (const f of ['Cargo.toml', 'build.rs', 'src']) copy(path.join(pkgDir, f), path.join(native, 'bindings', 'node', f))
fs.writeFileSync(path.join(native, 'Cargo.toml'), coreManifest(fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8')))

// The core's manifest without what only the checkout has (dev-dependencies, benches, examples,
// tests, the workspace of every binding, C crate types), as the workspace root of the two bundled
// crates: the addon needs the core as an rlib only.
function coreManifest(text) {
  const drop = /^\[(\[?)(lib|dev-dependencies|bench|example|test|workspace)(\.[^\]]*)?\]\]?\s*$/
  const out = []
  let skipping = false
  for (const line of text.split('\n')) {
    if (/^\[/.test(line)) skipping = drop.test(line)
    if (!skipping) out.push(line)
  }
  return `${out.join('\n').trimEnd()}\n\n# Bundled in the npm package: the core and the Node crate only.\n[workspace]\nmembers = [".", "bindings/node"]\n`
}

// package.json: the published fields only.
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
delete pkg.devDependencies
pkg.scripts = { install: 'node scripts/build.js' }
pkg.files = [...js, 'authward.linux-x64-gnu.node', 'native/', 'LICENSE-MIT', 'LICENSE-APACHE']
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
console.error(`staged the npm package in ${stage}`)
