// No testTimeout: Jest's 5 s default would cut the 7 s run short; the perfspec reporter sees none set.
module.exports = require('../shared/base.config.cjs')()
