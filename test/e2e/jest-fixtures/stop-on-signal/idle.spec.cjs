// A second file, so that Jest without --runInBand runs the files in worker processes.
test('waits beside the run', () => new Promise((resolve) => setTimeout(resolve, 3000)), 10_000)
