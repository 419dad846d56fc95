module.exports = require('./record-server.cjs').setup
