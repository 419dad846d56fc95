// Two spec files on two workers (this machine has 2 cores: Jest's default would be 1, in band), with the
// HTML report beside the JSON one.
module.exports = { ...require('../shared/base.config.cjs')({ report: { html: true } }), maxWorkers: 2 }
