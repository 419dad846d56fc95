// The setup file alone, with Jest's own reporters: matchers and the test context work, nothing is reported.
const { reporters, ...config } = require('../shared/base.config.cjs')()

module.exports = config
