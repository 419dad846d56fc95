// What every fixture project shares: plain CommonJS specs with no transform, the perfspec setup file, the
// loopback server, and no cache (timings from an earlier run would make Jest run the files in band).
const path = require('node:path')

module.exports = (options = {}) => ({
  testMatch: ['**/*.spec.cjs'],
  transform: {},
  cache: false,
  setupFilesAfterEnv: ['perfspec/jest'],
  reporters: ['default', ['perfspec/jest-reporter', { defaults: { users: 2, duration: '1s' }, ...options }]],
  globalSetup: path.join(__dirname, 'global-setup.cjs'),
  globalTeardown: path.join(__dirname, 'global-teardown.cjs'),
})
