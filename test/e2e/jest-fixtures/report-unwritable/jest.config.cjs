// The test puts a file where the report folder should go: every test passes, the report cannot be written.
module.exports = require('../shared/base.config.cjs')({
  defaults: { users: 1, duration: '300ms' },
  report: { dir: 'blocked/out' },
})
