// Two spec files on two workers (this machine has 2 cores: Jest's default would be 1, in band).
module.exports = { ...require('../shared/base.config.cjs')(), maxWorkers: 2 }
