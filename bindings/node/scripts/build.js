#!/usr/bin/env node
'use strict'
// The package's `install` script: makes sure the native addon (`authward.<platform>.node`, the file
// the generated loader `binding.js` requires) is there and loads, and says what it did.
//
// In a release tarball (`dist/authward-<version>.tgz`, made by scripts/package.sh) the addon for
// linux-x64-gnu is prebuilt inside the package: the script loads it and is done, no Rust needed.
// Where no prebuilt addon fits (another platform, an older glibc) it builds one from the sources
// bundled under `native/` with cargo, and says so. In a checkout (`npm ci` in bindings/node, or
// `npm install <repo>/bindings/node`) it always builds from the checkout's sources.
//
// No binary is ever downloaded. npm hides the output of install scripts unless run with
// `--foreground-scripts`; a failure is always shown.
//
// Environment: AUTHWARD_NODE_BUILD=1 builds from source even when a prebuilt addon loads;
// AUTHWARD_NODE_PROFILE=debug builds without optimisations (development);
// CARGO, CARGO_BUILD_TARGET and CARGO_TARGET_DIR are honoured as cargo honours them.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const pkgDir = path.resolve(__dirname, '..')
const bundled = path.join(pkgDir, 'native')
const inCheckout = !fs.existsSync(bundled) && fs.existsSync(path.join(pkgDir, '..', '..', 'src', 'lib.rs'))

function say(message) {
  console.error(`authward: ${message}`)
}

function fail(message) {
  say(message)
  process.exit(1)
}

function libraryName() {
  if (process.platform === 'win32') return 'authward_node.dll'
  if (process.platform === 'darwin') return 'libauthward_node.dylib'
  return 'libauthward_node.so'
}

const addon = require('../addon.js')

const addonFile = addon.file
const addonPath = addon.path
const platformSuffix = () => addon.suffix

// Loads the addon in this process: the one check that it fits this platform, libc and Node.
function loadError() {
  try {
    require(addonPath)
    return null
  } catch (err) {
    return err
  }
}

function findCargo() {
  const candidates = [process.env.CARGO, 'cargo', path.join(os.homedir(), '.cargo', 'bin', 'cargo')]
  for (const c of candidates.filter(Boolean)) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' })
      return c
    } catch {
      // try the next one
    }
  }
  return null
}

function build(sourceDir, why) {
  const manifest = path.join(sourceDir, 'bindings', 'node', 'Cargo.toml')
  const cargo = findCargo()
  if (!cargo) {
    fail(
      `${why}, and building it from the bundled sources needs Rust (cargo >= 1.89), which is not installed: ` +
        'install it from https://rustup.rs, then run `npm rebuild authward --foreground-scripts`',
    )
  }
  const profile = process.env.AUTHWARD_NODE_PROFILE === 'debug' ? 'debug' : 'release'
  const args = ['build', '--manifest-path', manifest, '-p', 'authward-node']
  if (profile === 'release') args.push('--release')
  const env = { ...process.env }
  // A build from a package's bundled sources keeps its output inside the package folder.
  if (!inCheckout && !env.CARGO_TARGET_DIR) env.CARGO_TARGET_DIR = path.join(sourceDir, 'target')
  say(`${why}: building the native addon from ${inCheckout ? 'the checkout' : 'the bundled sources'} with cargo ${args.join(' ')} (a few minutes) ...`)
  try {
    execFileSync(cargo, args, { stdio: ['ignore', 'inherit', 'inherit'], env })
  } catch {
    fail('cargo build failed (see above); fix the cause, then run `npm rebuild authward --foreground-scripts`')
  }
  const meta = JSON.parse(
    execFileSync(cargo, ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    }).toString(),
  )
  const triple = env.CARGO_BUILD_TARGET
  const dir = triple ? path.join(meta.target_directory, triple, profile) : path.join(meta.target_directory, profile)
  const built = path.join(dir, libraryName())
  if (!fs.existsSync(built)) fail(`cargo finished but ${built} is missing`)
  // Copy then rename: a running process that has the old addon mapped keeps a valid file.
  const tmp = `${addonPath}.${process.pid}.tmp`
  fs.copyFileSync(built, tmp)
  fs.renameSync(tmp, addonPath)
  const err = loadError()
  if (err) fail(`the addon built from source does not load (${err.message})`)
  say(`built and installed ${addonFile}`)
}

function main() {
  if (inCheckout) {
    build(path.resolve(pkgDir, '..', '..'), 'installing from a checkout')
    return
  }
  if (!fs.existsSync(bundled)) {
    fail('neither a prebuilt addon nor the bundled sources are in this package; reinstall it from a release tarball')
  }
  const forced = process.env.AUTHWARD_NODE_BUILD === '1'
  if (!forced && fs.existsSync(addonPath)) {
    const err = loadError()
    if (!err) {
      say(`using the prebuilt native addon ${addonFile} (no Rust toolchain needed)`)
      return
    }
    build(bundled, `the prebuilt addon ${addonFile} does not load here (${err.message.split('\n')[0]})`)
    return
  }
  build(bundled, forced ? 'AUTHWARD_NODE_BUILD=1 is set' : `this package has no prebuilt addon for ${platformSuffix()}`)
}

main()
