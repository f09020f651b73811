#!/usr/bin/env node
'use strict'
// Builds the native addon from source (the package's `install` script; no prebuilt binary is ever
// downloaded): `cargo build --release -p authward-node`, then copies the library to the file name
// the generated loader (`binding.js`) requires, e.g. `authward.linux-x64-gnu.node`.
//
// Needs a Rust toolchain (cargo ≥ 1.89) and the authward sources around this package (the crate
// depends on the core by path), so it works for `npm install ./bindings/node` from a checkout.
//
// Environment: AUTHWARD_NODE_PROFILE=debug builds without optimisations (for development);
// CARGO_BUILD_TARGET / CARGO_TARGET_DIR are honoured as cargo honours them.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const pkgDir = path.resolve(__dirname, '..')
const manifest = path.join(pkgDir, 'Cargo.toml')

function fail(message) {
  console.error(`authward: ${message}`)
  process.exit(1)
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
  fail('cargo not found: install Rust (https://rustup.rs) to build the native addon from source')
}

// The suffix napi's loader looks for (linux-x64-gnu, darwin-arm64, win32-x64-msvc, …).
function platformSuffix() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

function libraryName() {
  if (process.platform === 'win32') return 'authward_node.dll'
  if (process.platform === 'darwin') return 'libauthward_node.dylib'
  return 'libauthward_node.so'
}

function main() {
  if (!fs.existsSync(path.join(pkgDir, '..', '..', 'src', 'lib.rs'))) {
    fail('the authward sources are not next to this package; install it from a checkout: npm install <repo>/bindings/node')
  }
  const cargo = findCargo()
  const profile = process.env.AUTHWARD_NODE_PROFILE === 'debug' ? 'debug' : 'release'
  const args = ['build', '--manifest-path', manifest, '-p', 'authward-node']
  if (profile === 'release') args.push('--release')
  const env = { ...process.env }
  console.error(`authward: building the native addon (cargo ${args.join(' ')}) ...`)
  try {
    execFileSync(cargo, args, { stdio: ['ignore', 'inherit', 'inherit'], env })
  } catch {
    fail('cargo build failed (see above)')
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
  const dest = path.join(pkgDir, `authward.${platformSuffix()}.node`)
  // Copy then rename: a running process that has the old addon mapped keeps a valid file.
  const tmp = `${dest}.${process.pid}.tmp`
  fs.copyFileSync(built, tmp)
  fs.renameSync(tmp, dest)
  console.error(`authward: installed ${path.relative(process.cwd(), dest) || dest}`)
}

main()
