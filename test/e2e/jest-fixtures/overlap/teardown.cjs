module.exports = require('./record-server.cjs').teardown
