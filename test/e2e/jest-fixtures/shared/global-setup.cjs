module.exports = require('./server.cjs').setup
