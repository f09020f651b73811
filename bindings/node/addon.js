'use strict'
// Where the native addon lives: `authward.<platform>.node` beside this file, the name napi's loader
// (`binding.js`) requires first. Shared by index.js (to explain a missing addon) and the install script.

const path = require('node:path')

// The suffix napi's loader looks for (linux-x64-gnu, linux-x64-musl, darwin-arm64, win32-x64-msvc, …).
function platformSuffix() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

const suffix = platformSuffix()
const file = `authward.${suffix}.node`

module.exports = { suffix, file, path: path.join(__dirname, file) }
