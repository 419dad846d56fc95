// Two spec files on two workers at once.
module.exports = {
  ...require('../shared/base.config.cjs')(),
  maxWorkers: 2,
  globalSetup: `${__dirname}/setup.cjs`,
  globalTeardown: `${__dirname}/teardown.cjs`,
}
