module.exports = require('./server.cjs').teardown
