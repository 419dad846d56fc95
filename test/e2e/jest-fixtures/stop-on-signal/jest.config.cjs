// No perfspec setup or reporter: the outer test signals Jest mid-run and reads only the server's count.
module.exports = { testMatch: ['**/*.spec.cjs'], transform: {}, cache: false }
