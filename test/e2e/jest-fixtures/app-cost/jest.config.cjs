module.exports = require('../shared/base.config.cjs')()
